"""The five event types of the customer-care plan (seed 003, step 3), as seed data.

Fitting tiers map the source's customer groups onto our RFM tiers:
- banquet: "high-value, industry-benchmark customers" -> high_value (benchmark
  customers are not a tier of their own);
- training: "growth potential, B2B customers" -> growth (B2B is an attribute, not a tier);
- online lottery: "general, new customers" -> general, new;
- care visit: "churn-risk, key regional customers" -> churn_risk ("key regional"
  is a region tag, not a tier);
- family day: "consumer families, young customers" -> general (consumer and age
  groups are tags; among tiers they are the broad, light-touch audience).

Budget lines are (category, zh, en, quantity, unit zh, unit en, unit price in CNY);
tasks are (phase, offset in days from the event day T, owner role, zh, en).
"""
from decimal import Decimal as D

CATALOGUE = (
    {
        "code": "banquet",
        "name_zh": "专属答谢宴/沙龙",
        "name_en": "Appreciation banquet / salon",
        "description_zh": "场地选择高端私密，流程包含企业成果分享、客户案例交流、定制化礼品颁发，邀请企业高管参与互动。",
        "description_en": "A private, high-end venue; the programme shares the company's results, lets customers "
                          "exchange cases and presents customised gifts; executives attend and mingle.",
        "tiers": ("high_value",),
        "budget_lines": (
            ("venue", "答谢宴场地租赁（含音响灯光）", "Banquet venue with sound and lighting", D("1"), "场", "event", D("8000")),
            ("materials", "邀请函与活动手册", "Invitations and programme booklets", D("60"), "份", "copies", D("25")),
            ("materials", "定制礼品（LOGO笔记本、保温杯）", "Customised gifts (logo notebook, thermos)", D("50"), "份", "sets", D("70")),
            ("gifts", "伴手礼（高端茶叶）", "Take-home gifts (premium tea)", D("50"), "份", "gifts", D("200")),
            ("personnel", "主持人与礼仪人员劳务费", "Host and ushers", D("1"), "场", "event", D("3000")),
            ("catering", "答谢宴餐标", "Banquet dinner", D("50"), "人", "people", D("200")),
            ("catering", "茶歇（咖啡、点心）", "Tea break (coffee, pastries)", D("50"), "人", "people", D("40")),
            ("promotion", "邀约短信与电子邀请函设计", "Invitation SMS and e-invitation design", D("1"), "项", "item", D("800")),
        ),
        "tasks": (
            ("preparation", -45, "project_lead", "审批活动方案与预算", "Approve the plan and budget"),
            ("preparation", -40, "customer_team", "筛选高价值客户名单", "Select the high-value guest list"),
            ("preparation", -35, "execution_team", "预定高端私密场地", "Book a private high-end venue"),
            ("preparation", -21, "planning_team", "撰写流程脚本（企业成果、客户案例）", "Write the run of show (results, customer cases)"),
            ("preparation", -14, "execution_team", "采购定制礼品与伴手礼", "Order the customised and take-home gifts"),
            ("execution", -7, "customer_team", "发送邀请函并电话确认", "Send invitations and confirm by phone"),
            ("execution", -2, "project_lead", "确认高管出席与致辞", "Confirm the executives' attendance and speeches"),
            ("execution", 0, "execution_team", "现场布置、签到与接待", "Set up the venue, check-in and reception"),
            ("execution", 2, "customer_team", "致谢回访，收集反馈", "Thank-you calls and feedback"),
            ("review", 7, "planning_team", "数据整理与效果评估报告", "Collate the data and write the review report"),
        ),
    },
    {
        "code": "training",
        "name_zh": "主题培训/研讨会",
        "name_en": "Themed training / seminar",
        "description_zh": "内容聚焦客户痛点（如行业趋势解读、产品使用技巧），设置互动答疑环节，结合“参会即赠试用装”提升参与度。",
        "description_en": "Content on the customers' pain points (industry trends, product tips), an interactive "
                          "Q&A, and a trial pack for every attendee to lift participation.",
        "tiers": ("growth",),
        "budget_lines": (
            ("venue", "培训教室租赁", "Training room", D("1"), "天", "day", D("3000")),
            ("materials", "培训手册印制", "Printed handouts", D("40"), "份", "copies", D("30")),
            ("gifts", "参会试用装", "Trial packs for attendees", D("40"), "份", "packs", D("80")),
            ("personnel", "外部讲师劳务费", "Guest speaker", D("1"), "人", "person", D("3000")),
            ("catering", "茶歇", "Tea break", D("40"), "人", "people", D("40")),
            ("promotion", "公众号推文设计", "Official-account article design", D("1"), "篇", "article", D("800")),
        ),
        "tasks": (
            ("preparation", -40, "project_lead", "审批活动方案与预算", "Approve the plan and budget"),
            ("preparation", -35, "customer_team", "筛选潜力客户并收集痛点", "Select growth customers and collect their pain points"),
            ("preparation", -30, "execution_team", "预定培训教室", "Book the training room"),
            ("preparation", -21, "planning_team", "准备课程内容（行业趋势、产品技巧）", "Prepare the content (trends, product tips)"),
            ("preparation", -10, "execution_team", "准备培训手册与试用装", "Prepare handouts and trial packs"),
            ("execution", -7, "publicity_team", "发布研讨会推文", "Publish the seminar announcement"),
            ("execution", -5, "customer_team", "发送邀约并确认报名", "Send invitations and confirm registrations"),
            ("execution", 0, "planning_team", "举办研讨会与互动答疑", "Run the seminar and the Q&A"),
            ("execution", 3, "customer_team", "跟进参会客户试用情况", "Follow up attendees on the trial"),
            ("review", 7, "planning_team", "效果评估与报告输出", "Evaluate the effect and write the report"),
        ),
    },
    {
        "code": "online_lottery",
        "name_zh": "线上互动抽奖/打卡",
        "name_en": "Online lottery / check-in challenge",
        "description_zh": "通过企业公众号/社群发起，设置“分享活动页至朋友圈可额外抽奖”，奖品设置实用小礼品（如定制周边、优惠券）。",
        "description_en": "Run on the official account or in community groups; sharing the page to Moments earns an "
                          "extra draw; small practical prizes (branded goods, coupons).",
        "tiers": ("general", "new"),
        "budget_lines": (
            ("materials", "活动页与海报设计", "Landing page and poster design", D("1"), "项", "item", D("1500")),
            ("gifts", "抽奖奖品（定制周边）", "Prizes (branded goods)", D("50"), "份", "prizes", D("60")),
            ("gifts", "优惠券", "Coupons", D("200"), "张", "coupons", D("20")),
            ("personnel", "社群运营兼职", "Part-time community moderator", D("5"), "天", "days", D("200")),
            ("promotion", "短信群发", "Bulk SMS", D("10000"), "条", "messages", D("0.05")),
            ("promotion", "社群推广", "Community promotion", D("1"), "项", "item", D("1000")),
        ),
        "tasks": (
            ("preparation", -30, "project_lead", "审批活动方案与预算", "Approve the plan and budget"),
            ("preparation", -25, "planning_team", "设计抽奖/打卡规则（分享可额外抽奖）", "Design the rules (extra draw for sharing)"),
            ("preparation", -20, "execution_team", "采购奖品与优惠券", "Buy the prizes and coupons"),
            ("preparation", -14, "publicity_team", "设计海报与活动页", "Design the poster and the landing page"),
            ("execution", -7, "publicity_team", "公众号与社群发布活动", "Publish on the official account and in groups"),
            ("execution", -3, "customer_team", "短信提醒客户参与", "Remind customers by SMS"),
            ("execution", 0, "planning_team", "开奖并公布结果", "Draw the winners and announce them"),
            ("execution", 3, "execution_team", "寄送奖品", "Ship the prizes"),
            ("review", 5, "customer_team", "整理参与与分享数据", "Collate participation and sharing data"),
            ("review", 7, "planning_team", "效果评估与报告输出", "Evaluate the effect and write the report"),
        ),
    },
    {
        "code": "care_visit",
        "name_zh": "客户关怀走访",
        "name_en": "Customer care visit",
        "description_zh": "由销售/客服团队上门拜访，赠送节日礼品，收集客户未续费原因，现场解决合作问题，传递企业重视态度。",
        "description_en": "Sales or service staff visit on site with a holiday gift, collect the reasons for not "
                          "renewing, solve problems on the spot and show that the company cares.",
        "tiers": ("churn_risk",),
        "budget_lines": (
            ("materials", "走访资料包（手册、问卷）", "Visit kit (brochures, questionnaire)", D("20"), "份", "kits", D("30")),
            ("gifts", "节日礼品", "Holiday gifts", D("20"), "份", "gifts", D("300")),
            ("personnel", "走访差旅补贴", "Travel allowance for visits", D("20"), "次", "visits", D("150")),
        ),
        "tasks": (
            ("preparation", -30, "project_lead", "审批走访计划与预算", "Approve the visit plan and budget"),
            ("preparation", -28, "customer_team", "筛选流失风险客户并梳理原因", "List churn-risk customers and known issues"),
            ("preparation", -21, "customer_team", "预约拜访时间", "Book the visit appointments"),
            ("preparation", -14, "execution_team", "采购节日礼品", "Buy the holiday gifts"),
            ("preparation", -10, "planning_team", "准备走访资料与问卷", "Prepare the visit kit and questionnaire"),
            ("execution", 0, "customer_team", "上门拜访，收集未续费原因，现场解决问题", "Visit, collect reasons for not renewing, solve problems"),
            ("execution", 3, "customer_team", "跟进未解决问题", "Follow up open issues"),
            ("review", 7, "project_lead", "评估挽回效果并输出报告", "Evaluate the win-back and report"),
        ),
    },
    {
        "code": "family_day",
        "name_zh": "亲子/体验类活动",
        "name_en": "Family / experience day",
        "description_zh": "结合节日（如儿童节、中秋节）设计，如亲子DIY、产品体验日，增强客户家庭对企业品牌的情感联结。",
        "description_en": "Tied to a holiday (Children's Day, Mid-Autumn Festival): parent-child DIY or a product "
                          "experience day that builds the family's emotional bond with the brand.",
        "tiers": ("general",),
        "budget_lines": (
            ("venue", "体验场地租赁", "Experience venue", D("1"), "场", "event", D("5000")),
            ("materials", "亲子DIY材料包", "Parent-child DIY kits", D("30"), "份", "kits", D("80")),
            ("gifts", "家庭伴手礼", "Family take-home gifts", D("30"), "份", "gifts", D("100")),
            ("personnel", "主持人与助教", "Host and helpers", D("1"), "场", "event", D("2000")),
            ("catering", "亲子餐点", "Snacks and drinks", D("90"), "人", "people", D("50")),
            ("promotion", "公众号与社群推广", "Official account and community promotion", D("1"), "项", "item", D("1000")),
        ),
        "tasks": (
            ("preparation", -45, "project_lead", "审批活动方案与预算", "Approve the plan and budget"),
            ("preparation", -40, "planning_team", "结合节日设计活动内容", "Design the activities around the holiday"),
            ("preparation", -30, "execution_team", "预定体验场地", "Book the venue"),
            ("preparation", -21, "execution_team", "采购DIY材料与伴手礼", "Buy the DIY kits and gifts"),
            ("preparation", -14, "publicity_team", "设计海报与推文", "Design the poster and article"),
            ("execution", -7, "customer_team", "邀约家庭客户并确认人数", "Invite families and confirm numbers"),
            ("execution", 0, "execution_team", "现场布置、签到与安全保障", "Set-up, check-in and safety on the day"),
            ("execution", 2, "publicity_team", "发布活动回顾推文", "Publish the event recap"),
            ("review", 7, "planning_team", "效果评估与报告输出", "Evaluate the effect and write the report"),
        ),
    },
)
