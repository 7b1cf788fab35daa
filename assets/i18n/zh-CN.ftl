# Firstline 基层应急演练仿真系统 — 界面文字（简体中文）
# 每个键在 en.ftl 中都有对应项（测试检查）。

list-sep = 、
app-title = 基层应急演练仿真系统

## 启动页
launch-drills = 演练
launch-drill = { $title }（{ $hazard }，{ $minutes } 分钟）
launch-invalid = { $name }（无法使用）
launch-open-path = 打开场景文件：
launch-open = 打开
launch-cannot-play = 该场景有错误，无法演练：
launch-facts = { $villages } 个村，{ $residents } 名居民，演练时长 { $minutes } 分钟
launch-role = 选择您扮演的角色：
launch-others = 其他角色由预案执行者扮演，水平：
launch-mode = 模式：
launch-seed = 随机种子（留空使用场景默认值 { $default }）：
launch-bad-seed = 随机种子应为非负整数
launch-start = 开始演练
launch-pick-role = 请先选择角色
launch-quit = 退出

hazard-Flood = 洪涝
hazard-Landslide = 山体滑坡
hazard-Fire = 森林火灾

role-Commander = 总指挥
role-OfficeDirector = 应急办主任
role-VillageHead = 村党支部书记
role-GridWorker = 网格员
role-RescueLeader = 救援队队长
role-InfoOfficer = 灾害信息员

competence-Perfect = 优秀
competence-Typical = 一般
competence-Poor = 较差

mode-Practice = 练习（可暂停、调速）
mode-Assessment = 考核（按场景节奏，不可暂停）

## 顶栏
bar-role = 角色：{ $role }
bar-clock = 演练时间 { $now } / { $total }
bar-time-of-day = 当地时间 { $time }
bar-pause = 暂停
bar-assessment = 考核模式 ×{ $speed }
bar-response = 应急响应 { $level } 级
bar-no-response = 未启动应急响应
bar-end = 结束演练
bar-lang = English

## 收件箱
inbox-title = 收件箱（未读 { $unread }）
inbox-empty = 暂无消息
inbox-unread = ● 未读
inbox-call = { $caller } 呼叫您，请应答（叫应）
inbox-acked = 已于 { $at } 确认
inbox-due = 请在 { $at } 前确认
inbox-overdue = 已超时（应在 { $at } 前确认）
inbox-ack = 确认收到
inbox-mark-read = 标为已读

## 预案
plan-title = 我的预案（一页纸）
plan-empty = 本角色没有预案步骤
plan-deadline = 时限 { $at }
plan-within = 触发后 { $minutes } 分钟内
plan-prefill = 填入指令（{ $step }）
step-waiting = 等待触发
step-due = 待办
step-done = 已完成
step-late = 超时

## 指令
order-title = 下达指令
order-pick-kind = 请选择指令类型
order-response-level = { $level } 级
order-channels = 发布渠道：
order-villages = 发往村：
order-shelter = { $name }（容量 { $capacity }）
order-force = 力量：
order-task = 任务：
order-place = 地点：
order-pick-on-map = 在地图上选点
order-picking = 请点击地图…
order-road = { $id }（{ $class }{ $bridge }）
order-support-what = 需要的支援：
order-route = 巡查路线：{ $route }
order-route-clear = 清空路线
order-send = 下达
order-missing-kind = 请选择指令类型
order-missing-channels = 请至少选择一个发布渠道
order-missing-villages = 请至少选择一个村
order-missing-role = 请选择叫应对象
order-missing-village = 请选择村
order-missing-shelter = 请选择避难场所
order-missing-force = 请选择力量
order-missing-place = 请选择地点（或在地图上选点）
order-missing-road = 请选择道路
order-missing-text = 请填写需要的支援
order-missing-route = 巡查路线至少需要两个路口
order-missing-area = 请选择网格
place-point = 地图点（{ $x }, { $y }）

action-DeclareResponse = 启动应急响应
action-IssueWarning = 发布预警
action-CallAndResponse = 叫应
action-OrderEvacuation = 组织转移
action-OpenShelter = 开放避难场所
action-CloseShelter = 关闭避难场所
action-Dispatch = 调派力量
action-CloseRoad = 封闭道路
action-RequestSupport = 请求支援
action-SendReport = 信息报送
action-Patrol = 巡查
action-DoorToDoor = 入户通知

warning-Blue = 蓝色预警
warning-Yellow = 黄色预警
warning-Orange = 橙色预警
warning-Red = 红色预警

channel-Broadcast = 应急广播
channel-Phone = 电话
channel-Sms = 短信
channel-Megaphone = 喇叭
channel-Gong = 铜锣
channel-DoorToDoor = 入户

task-Rescue = 救援
task-SuppressFire = 扑火
task-Pump = 排涝
task-Sandbag = 沙袋加固
task-ClearRoad = 清障
task-EscortVulnerable = 转移重点人员
task-DoorToDoor = 入户通知
task-Standby = 待命

road-County = 县道
road-Township = 乡道
road-Village = 村道
road-Track = 机耕路
road-Footpath = 步道
road-bridge = ，桥

report-First = 初报
report-FollowUp = 续报

do-declare = 启动 { $level } 级应急响应
do-warn = 向 { $villages } 发布{ $level }（{ $channels }）
do-call = 叫应 { $role }
do-evacuate = 组织 { $village } 转移
do-open-shelter = 开放 { $shelter }
do-close-shelter = 关闭 { $shelter }
do-dispatch = 调派 { $force } 到 { $place }：{ $task }
do-close-road = 封闭道路 { $road }
do-request = 请求支援：{ $what }
do-report-First = 报送初报
do-report-FollowUp = 报送续报
do-patrol = 巡查 { $route }
do-door = 入户通知 { $area }
do-ack = 确认收到 { $message }
do-inject = 导调：发送 { $id }
do-trigger-landslide = 导调：触发滑坡
do-ignite = 导调：在（{ $x }, { $y }）起火
do-breach = 导调：{ $dike } 溃决
do-wind = 导调：风速 { $speed } 米/秒，风向 { $from }°
do-message = 导调 → { $role }：{ $text }
do-take-over = 导调：接管 { $role }
do-hand-back = 导调：{ $role } 交还自动推演
do-note = 导调笔记：{ $text }

## 事件
feed-title = 事件
feed-started = 演练开始
feed-ended = 演练结束
feed-message = 收到 { $from }：{ $text }
feed-order = 已下达：{ $order }
feed-refused = 被拒绝：{ $order }（{ $reason }）
feed-call = { $from } 叫应 { $to }
feed-acked = 已确认（用时 { $after } 秒）
feed-overdue = 预案步骤 { $step } 超时
feed-turned-out = { $force } 出动（用时 { $after } 秒）
feed-on-scene = { $force } 到达现场：{ $task }（用时 { $after } 秒）
feed-cut-off = { $force } 道路受阻
feed-breach = 堤防 { $dike } 决口
feed-gauge-water = { $gauge } 进水，水深 { $depth } 米
feed-road-flooded = 道路 { $road } 被淹
feed-road-blocked = 道路 { $road } 被阻断
feed-landslide = 发生山体滑坡，方量约 { $volume } 立方米
feed-precursor = 巡查发现滑坡前兆
feed-fire = 发生火情
feed-house-burning = 房屋 { $house } 起火

## 监测
gauges-title = 监测站
gauges-empty = 本演练没有监测站
gauges-value = { $name }：{ $value } { $unit }
gauges-minutes = 分钟
unit-m = 米
unit-m-asl = 米（高程）
unit-reached = （1＝火已到达）
unit-people = 人

## 图层与地图
layers-title = 图层
layer-hazards = 灾情
layer-smoke = 烟
layer-residents = 居民
layer-houses = 房屋
layer-roads = 道路
layer-labels = 标注
map-north = 北
map-scale-m = { $m } 米
map-scale-km = { $km } 公里
map-shelter = { $name } { $occupants }/{ $capacity }
legend-unaware = 未获知
legend-warned = 已获知
legend-moving = 转移中
legend-safe = 已安全
legend-harmed = 受伤亡
legend-house-flooded = 进水房屋
legend-house-burning = 着火房屋

## 信息卡
card-house = 住户 { $id }
card-village = { $households } 户，{ $residents } 人
card-shelter = 已安置 { $occupants } 人 / 容量 { $capacity }
card-open = 已开放
card-shut = 未开放
card-force = 任务：{ $task }
card-no-task = 无任务
card-on-scene = 已到达现场
card-gauge = 当前读数 { $value }
house-Normal = 正常
house-Warned = 已获知预警
house-Left = 已转移
house-Flooded = 进水
house-Struck = 受灾

## 成绩
score-title = 演练成绩
score-total = 得分 { $score }，等级：{ $level }
score-role = 你的角色（{ $role }）得分 { $score }：预案步骤 { $steps } 项中按时完成 { $on_time } 项
score-role-none = 你的角色（{ $role }）：本次演练未对其提出要求
score-team = 仅按团队指标：{ $score }
score-gate = 限制等级：{ $why }
score-metric = 指标
score-value = 结果
score-threshold = 标准
score-result = 评定
score-na = 不适用
score-passed = 达标
score-failed = 未达标
score-written = 已保存 { $path }
score-quit = 退出
score-error = 保存演练记录失败：{ $why }

metric-WarningDelay = 预警发布用时
metric-CallResponseTime = 叫应响应用时
metric-AlarmTaken = 接警用时
metric-TurnOut = 出动用时
metric-OnScene = 到场用时
metric-FirstReport = 初报用时
metric-EvacuatedBeforeArrival = 灾前转移比例
metric-TimeTo50 = 转移 50% 用时
metric-TimeTo90 = 转移 90% 用时
metric-TimeTo100 = 全部转移用时
metric-Exposed = 灾害到达时仍在家人数
metric-Casualties = 伤亡人数
metric-VulnerableEvacuated = 重点人员转移比例
metric-ShelterOverflow = 避难场所超员
metric-PlanAdherence = 预案执行率

## 导调台
bar-instructor = 导调台 · 查看：{ $role }
bar-jump = 快进 { $minutes } 分钟
inbox-from-instructor = 导调
instructor-roles = 各角色
instructor-played-by-plan = 按预案自动推演
instructor-played-by-you = 导调接管
instructor-steps = 完成 { $done } · 超时 { $late }
instructor-open = 待确认 { $n }
instructor-take-over = 接管
instructor-hand-back = 交还
instructor-showing = 正在查看：{ $role }
instructor-injects = 情景注入
instructor-send-now = 立即发送
instructor-sent = 已发送
instructor-no-injects = 本演练没有情景注入
instructor-hazards = 灾情控制
instructor-dike = 堤防 { $dike }
instructor-breach = 立即溃决
instructor-breached = 已溃决
instructor-release = 立即触发滑坡
instructor-released = 滑坡已发生
instructor-ignite = 在地图上选点起火
instructor-ignite-picking = 请在地图上点击起火点…
instructor-wind-speed = 风速（米/秒）
instructor-wind-from = 风向（度，自北顺时针）
instructor-set-wind = 设定风向风速
instructor-message = 发送消息
instructor-send-message = 发送
instructor-notes = 导调笔记
instructor-write-note = 记录笔记
instructor-bookmark = 添加书签
instructor-bookmark-mark = （书签）
