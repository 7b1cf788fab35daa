//! How orders reach households: each warning channel, each evacuation
//! order and each door-to-door round becomes a list of timed "cues" to
//! households — who hears what, when. Plain Rust; randomness from the
//! caller's stream, in a fixed order.

use crate::dist::open01;
use crate::geom::{dist, dist_to_polyline, in_polygon};
use crate::scenario::schema::{Channel, ResidentsSpec, Village};
use rand_chacha::ChaCha8Rng;

/// Walking pace of cadres on a megaphone/gong round or a door-to-door round (m/s).
pub const ROUND_SPEED_MS: f64 = 1.2;

/// A warning reaching one household.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cue {
    pub due_s: u64,
    pub household: usize,
    pub channel: Channel,
    /// An evacuation order rather than a warning.
    pub order: bool,
    /// Someone came to the door (and can help the vulnerable).
    pub in_person: bool,
    /// Which visit to the door this is for an evacuation order (1 = the
    /// first; 0 for remote warnings).
    pub visit: u8,
}

/// What the warning logic needs to know of a house.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct House {
    pub at: (f64, f64),
    pub village: usize,
    pub phone: bool,
}

fn spec(r: &ResidentsSpec, c: Channel) -> Option<(u64, f64)> {
    r.channel(c).map(|s| (s.delay_s as u64, s.reach))
}

/// Cues of one warning channel to one village, issued at `now_s`.
/// `origin` is where a walked round starts (the village's road node).
#[allow(clippy::too_many_arguments)]
pub fn channel_cues(
    now_s: u64,
    channel: Channel,
    order: bool,
    village_idx: usize,
    village: &Village,
    houses: &[House],
    origin: (f64, f64),
    r: &ResidentsSpec,
    rng: &mut ChaCha8Rng,
    out: &mut Vec<Cue>,
) {
    let Some((delay, reach)) = spec(r, channel) else { return };
    if channel == Channel::DoorToDoor {
        let members: Vec<usize> = (0..houses.len()).filter(|&h| houses[h].village == village_idx).collect();
        visit_round(now_s + delay, &members, houses, origin, 2, r.visit_s as u64, order, out);
        return;
    }
    for (h, house) in houses.iter().enumerate().filter(|(_, x)| x.village == village_idx) {
        let (eligible, extra) = match channel {
            Channel::Broadcast => (village.loudspeakers.iter().any(|l| dist(l.at, house.at) <= l.radius_m), 0),
            Channel::Sms | Channel::Phone => (house.phone, 0),
            Channel::Megaphone | Channel::Gong => (true, (dist(origin, house.at) / ROUND_SPEED_MS) as u64),
            Channel::DoorToDoor => unreachable!("handled above"),
        };
        // One draw per household in a fixed order, whether eligible or not.
        let heard = open01(rng) < reach;
        if eligible && heard {
            out.push(Cue { due_s: now_s + delay + extra, household: h, channel, order, in_person: false, visit: 0 });
        }
    }
}

/// A door-to-door round by `visitors` people from `origin` over `members`
/// (nearest house next), each visit taking `visit_s`.
#[allow(clippy::too_many_arguments)]
pub fn visit_round(
    start_s: u64,
    members: &[usize],
    houses: &[House],
    origin: (f64, f64),
    visitors: usize,
    visit_s: u64,
    order: bool,
    out: &mut Vec<Cue>,
) {
    let visitors = visitors.max(1);
    let mut left: Vec<usize> = members.to_vec();
    let mut pos = vec![origin; visitors];
    let mut clock = vec![start_s as f64; visitors];
    while !left.is_empty() {
        // The visitor who is free first takes the nearest unvisited house.
        let v = (0..visitors).min_by(|&a, &b| clock[a].total_cmp(&clock[b]).then(a.cmp(&b))).unwrap_or(0);
        let (k, _) = left
            .iter()
            .enumerate()
            .map(|(k, &h)| (k, dist(pos[v], houses[h].at)))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .unwrap_or((0, 0.0));
        let h = left.swap_remove(k);
        clock[v] += dist(pos[v], houses[h].at) / ROUND_SPEED_MS;
        pos[v] = houses[h].at;
        out.push(Cue {
            due_s: clock[v] as u64,
            household: h,
            channel: Channel::DoorToDoor,
            order,
            in_person: true,
            visit: 1,
        });
        clock[v] += visit_s as f64;
    }
}

/// Households of a village inside a polygon (a grid area), in scenario order.
pub fn in_area(houses: &[House], area: &[(f64, f64)]) -> Vec<usize> {
    (0..houses.len()).filter(|&h| in_polygon(houses[h].at, area)).collect()
}

/// Households within `radius` of a patrol route.
pub fn near_route(houses: &[House], route: &[(f64, f64)], radius: f64) -> Vec<usize> {
    (0..houses.len()).filter(|&h| dist_to_polyline(houses[h].at, route) <= radius).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn door_to_door_visits_everyone_once_and_two_visitors_halve_the_round() {
        let houses: Vec<House> =
            (0..20).map(|k| House { at: (k as f64 * 20.0, 0.0), village: 0, phone: true }).collect();
        let members: Vec<usize> = (0..20).collect();
        let mut one = Vec::new();
        visit_round(0, &members, &houses, (0.0, 0.0), 1, 90, false, &mut one);
        let mut two = Vec::new();
        visit_round(0, &members, &houses, (0.0, 0.0), 2, 90, false, &mut two);
        for cues in [&one, &two] {
            let mut seen: Vec<usize> = cues.iter().map(|c| c.household).collect();
            seen.sort();
            assert_eq!(seen, members);
            assert!(cues.iter().all(|c| c.in_person));
        }
        // One visitor: 20 visits of 90 s plus 380 m of walking at 1.2 m/s before the last visit.
        let last1 = one.iter().map(|c| c.due_s).max().unwrap();
        assert_eq!(last1, (19.0 * 90.0 + 380.0 / 1.2) as u64);
        let last2 = two.iter().map(|c| c.due_s).max().unwrap();
        assert!(last2 < last1 * 6 / 10, "two visitors: {last2} s vs {last1} s");
    }
}
