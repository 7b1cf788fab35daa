# Firstline — window strings (English).
# Every key has its match in zh-CN.ftl (a test checks).

list-sep = {", "}
app-title = Firstline — township emergency drills

## Launcher
launch-drills = Drills
launch-drill = { $title } ({ $hazard }, { $minutes } min)
launch-invalid = { $name } (cannot be used)
launch-open-path = Open a scenario file:
launch-open = Open
launch-cannot-play = This scenario has errors and cannot be played:
launch-facts = { $villages } villages, { $residents } residents, { $minutes } minutes of drill
launch-role = The role you play:
launch-others = The other roles are played by plan followers, playing:
launch-mode = Mode:
launch-seed = Seed (empty: the scenario's, { $default }):
launch-bad-seed = The seed is a whole number, 0 or more
launch-start = Start the drill
launch-pick-role = Pick a role first
launch-quit = Quit

hazard-Flood = flood
hazard-Landslide = landslide
hazard-Fire = wildfire

role-Commander = commander
role-OfficeDirector = emergency office director
role-VillageHead = village head
role-GridWorker = grid worker
role-RescueLeader = rescue team leader
role-InfoOfficer = information officer

competence-Perfect = well
competence-Typical = typically
competence-Poor = poorly

mode-Practice = Practice (pause, speed)
mode-Assessment = Assessment (the scenario's pace, no pause)

## Top bar
bar-role = Role: { $role }
bar-clock = Drill time { $now } / { $total }
bar-time-of-day = Local time { $time }
bar-pause = Pause
bar-assessment = Assessment ×{ $speed }
bar-response = Response level { $level }
bar-no-response = No emergency response declared
bar-end = End the drill
bar-lang = 中文

## Inbox
inbox-title = Inbox ({ $unread } unread)
inbox-empty = No messages
inbox-unread = ● unread
inbox-call = { $caller } is calling you: answer the call (叫应)
inbox-acked = Acknowledged at { $at }
inbox-due = Acknowledge by { $at }
inbox-overdue = Overdue (was due by { $at })
inbox-ack = Acknowledge
inbox-mark-read = Mark read

## Plan
plan-title = My one-page plan
plan-empty = This role has no plan steps
plan-deadline = due { $at }
plan-within = within { $minutes } min of its trigger
plan-prefill = Fill in the order ({ $step })
step-waiting = waiting
step-due = due
step-done = done
step-late = late

## Orders
order-title = Give an order
order-pick-kind = Pick the kind of order
order-response-level = level { $level }
order-channels = Channels:
order-villages = To villages:
order-shelter = { $name } (room for { $capacity })
order-force = Force:
order-task = Task:
order-place = Place:
order-pick-on-map = Pick on the map
order-picking = Click the map…
order-road = { $id } ({ $class }{ $bridge })
order-support-what = Support needed:
order-route = Patrol route: { $route }
order-route-clear = Clear the route
order-send = Send
order-missing-kind = Pick the kind of order
order-missing-channels = Pick at least one channel
order-missing-villages = Pick at least one village
order-missing-role = Pick whom to call
order-missing-village = Pick a village
order-missing-shelter = Pick a shelter
order-missing-force = Pick a force
order-missing-place = Pick a place (or pick one on the map)
order-missing-road = Pick a road
order-missing-text = Say what support is needed
order-missing-route = A patrol route needs two road nodes or more
order-missing-area = Pick a grid area
place-point = map point ({ $x }, { $y })

action-DeclareResponse = Declare response
action-IssueWarning = Issue warning
action-CallAndResponse = Call (叫应)
action-OrderEvacuation = Order evacuation
action-OpenShelter = Open shelter
action-CloseShelter = Close shelter
action-Dispatch = Dispatch a force
action-CloseRoad = Close road
action-RequestSupport = Request support
action-SendReport = Send report
action-Patrol = Patrol
action-DoorToDoor = Door to door

warning-Blue = blue warning
warning-Yellow = yellow warning
warning-Orange = orange warning
warning-Red = red warning

channel-Broadcast = broadcast
channel-Phone = phone
channel-Sms = SMS
channel-Megaphone = megaphone
channel-Gong = gong
channel-DoorToDoor = door to door

task-Rescue = rescue
task-SuppressFire = fight fire
task-Pump = pump
task-Sandbag = sandbags
task-ClearRoad = clear road
task-EscortVulnerable = escort the vulnerable
task-DoorToDoor = door to door
task-Standby = stand by

road-County = county road
road-Township = township road
road-Village = village road
road-Track = farm track
road-Footpath = footpath
road-bridge = , bridge

report-First = first report
report-FollowUp = follow-up report

do-declare = Declare a level { $level } response
do-warn = Issue a { $level } to { $villages } ({ $channels })
do-call = Call { $role }
do-evacuate = Evacuate { $village }
do-open-shelter = Open { $shelter }
do-close-shelter = Close { $shelter }
do-dispatch = Send { $force } to { $place }: { $task }
do-close-road = Close road { $road }
do-request = Request support: { $what }
do-report-First = Send the first report
do-report-FollowUp = Send a follow-up report
do-patrol = Patrol { $route }
do-door = Door to door in { $area }
do-ack = Acknowledge { $message }
do-inject = Instructor: send { $id }
do-trigger-landslide = Instructor: trigger the landslide
do-ignite = Instructor: start a fire at ({ $x }, { $y })
do-breach = Instructor: dike { $dike } breaches
do-wind = Instructor: wind { $speed } m/s from { $from }°
do-message = Instructor → { $role }: { $text }
do-take-over = Instructor: takes over { $role }
do-hand-back = Instructor: hands { $role } back to its plan follower
do-note = Instructor's note: { $text }

## Feed
feed-title = Events
feed-started = The drill starts
feed-ended = The drill ends
feed-message = From { $from }: { $text }
feed-order = Given: { $order }
feed-refused = Refused: { $order } ({ $reason })
feed-call = { $from } calls { $to }
feed-acked = Acknowledged (after { $after } s)
feed-overdue = Plan step { $step } is late
feed-turned-out = { $force } turned out (after { $after } s)
feed-on-scene = { $force } on scene: { $task } (after { $after } s)
feed-cut-off = { $force } is cut off
feed-breach = Dike { $dike } breached
feed-gauge-water = Water at { $gauge }, { $depth } m deep
feed-road-flooded = Road { $road } flooded
feed-road-blocked = Road { $road } blocked
feed-landslide = A landslide of about { $volume } m³
feed-precursor = A patrol saw landslide precursors
feed-fire = A fire has started
feed-house-burning = House { $house } is burning

## Gauges
gauges-title = Gauges
gauges-empty = This drill has no gauges
gauges-value = { $name }: { $value } { $unit }
gauges-minutes = minutes
unit-m = m
unit-m-asl = m a.s.l.
unit-reached = (1 = fire reached)
unit-people = people

## Layers and map
layers-title = Layers
layer-hazards = hazards
layer-smoke = smoke
layer-residents = residents
layer-houses = houses
layer-roads = roads
layer-labels = labels
map-north = N
map-scale-m = { $m } m
map-scale-km = { $km } km
map-shelter = { $name } { $occupants }/{ $capacity }
legend-unaware = unaware
legend-warned = warned
legend-moving = moving
legend-safe = safe
legend-harmed = harmed
legend-house-flooded = flooded house
legend-house-burning = burning house

## Info card
card-house = Household { $id }
card-village = { $households } households, { $residents } residents
card-shelter = { $occupants } sheltered / room for { $capacity }
card-open = open
card-shut = not open
card-force = Task: { $task }
card-no-task = no task
card-on-scene = on scene
card-gauge = Reading { $value }
house-Normal = normal
house-Warned = warned
house-Left = left
house-Flooded = flooded
house-Struck = struck

## Score
score-title = Drill result
score-total = Score { $score }, level: { $level }
score-role = Your role ({ $role }): { $score } — { $on_time } of { $steps } plan steps on time
score-role-none = Your role ({ $role }): nothing expected of it in this drill
score-team = Team metrics alone: { $score }
score-gate = Level capped: { $why }
score-metric = Metric
score-value = Result
score-threshold = Standard
score-result = Verdict
score-na = not applicable
score-passed = met
score-failed = not met
score-written = Saved { $path }
score-quit = Quit
score-error = Saving the drill's record failed: { $why }

metric-WarningDelay = Time to warn
metric-CallResponseTime = Call answered in
metric-AlarmTaken = Alarm taken in
metric-TurnOut = Turn-out time
metric-OnScene = Time to scene
metric-FirstReport = First report in
metric-EvacuatedBeforeArrival = Evacuated before the hazard
metric-TimeTo50 = Time to 50 % evacuated
metric-TimeTo90 = Time to 90 % evacuated
metric-TimeTo100 = Time to all evacuated
metric-Exposed = People at home when the hazard came
metric-Casualties = Casualties
metric-VulnerableEvacuated = Vulnerable evacuated
metric-ShelterOverflow = Shelter overflow
metric-PlanAdherence = Plan adherence

## Instructor's console
bar-instructor = Instructor's console · showing: { $role }
bar-jump = Jump { $minutes } min ahead
inbox-from-instructor = Instructor
instructor-roles = Roles
instructor-played-by-plan = played by its plan
instructor-played-by-you = taken over
instructor-steps = done { $done } · late { $late }
instructor-open = open { $n }
instructor-take-over = Take over
instructor-hand-back = Hand back
instructor-showing = Showing: { $role }
instructor-injects = Injects
instructor-send-now = Send now
instructor-sent = sent
instructor-no-injects = This drill has no injects
instructor-hazards = Hazards
instructor-dike = Dike { $dike }
instructor-breach = Breach now
instructor-breached = breached
instructor-release = Release the landslide now
instructor-released = the slope has let go
instructor-ignite = Pick a point on the map to start a fire
instructor-ignite-picking = Click the map where the fire starts…
instructor-wind-speed = wind speed (m/s)
instructor-wind-from = wind from (degrees clockwise from north)
instructor-set-wind = Set the wind
instructor-message = Message a role
instructor-send-message = Send
instructor-notes = Notes
instructor-write-note = Write the note
instructor-bookmark = Bookmark this moment
instructor-bookmark-mark = (bookmark)
