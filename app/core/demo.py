"""Demo data, loaded by `flask demo load` (and by `make run` on an empty database):
the demo accounts, then about 300 customers whose orders land in every tier.

The customer and order generators are shared with the benchmarks (bench/data.py),
so the synthetic data there looks like the demo data here.
"""
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from app.auth import services as auth_services
from app.core import clock
from app.core import demo_plans
from app.auth.models import Role, User
from app.customers import rfm_inputs, tiering
from app.customers.models import (
    CHANNELS,
    Customer,
    CustomerTag,
    Interaction,
    Order,
    Tier,
)
from app.events.services import seed_catalogue
from app.extensions import db

# Public demo credentials: printed by `make run`, refused in production.
DEMO_ACCOUNTS = (
    ("admin@rapport.demo", "管理员 Admin", "admin-demo-1", (Role.ADMIN,), "zh"),
    ("planner@rapport.demo", "王策划 Wang (planner)", "planner-demo-1", (Role.PLANNER,), "zh"),
    ("manager@rapport.demo", "李经理 Li (manager)", "manager-demo-1", (Role.MANAGER,), "zh"),
    ("staff@rapport.demo", "张专员 Zhang (door staff)", "staff-demo-1", (Role.STAFF,), "zh"),
    # An English-speaking planner, on the banquet's planning team: the interface in English.
    ("emma@rapport.demo", "Emma Clark (planner)", "planner-demo-en", (Role.PLANNER,), "en"),
)
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

DEMO_SEED = 2026
DEMO_CUSTOMERS = 300
# Share of the demo customers built for each tier: seed 000's targets
# (15/30/25/30%), scaled down to leave room for general customers.
TIER_MIX = {Tier.HIGH_VALUE: 0.14, Tier.CHURN_RISK: 0.26, Tier.NEW: 0.22, Tier.GROWTH: 0.26, Tier.GENERAL: 0.12}

# Vocabulary --------------------------------------------------------------------

# Brand words of company names, with a pinyin spelling for e-mail domains.
BRANDS = (
    ("华东", "huadong"), ("华南", "huanan"), ("中原", "zhongyuan"), ("江南", "jiangnan"), ("长江", "changjiang"),
    ("海纳", "haina"), ("恒信", "hengxin"), ("鼎盛", "dingsheng"), ("瑞丰", "ruifeng"), ("博远", "boyuan"),
    ("宏达", "hongda"), ("启明", "qiming"), ("云帆", "yunfan"), ("睿思", "ruisi"), ("锦程", "jincheng"),
    ("天润", "tianrun"), ("金桥", "jinqiao"), ("新源", "xinyuan"), ("嘉禾", "jiahe"), ("卓远", "zhuoyuan"),
    ("汇通", "huitong"), ("优联", "youlian"), ("智达", "zhida"), ("东方", "dongfang"), ("同创", "tongchuang"),
    ("明德", "mingde"), ("安康", "ankang"), ("信诚", "xincheng"), ("众合", "zhonghe"), ("星辰", "xingchen"),
)
# Industries the sources name, each with (short word, full business, pinyin) for
# names like "华东精密" / "苏州华东精密制造有限公司".
INDUSTRIES = {
    "制造业": (("精密", "精密制造", "jm"), ("机械", "机械设备", "jx"), ("电气", "电气", "dq"),
             ("新材料", "新材料科技", "xcl"), ("汽配", "汽车零部件", "qp")),
    "教育": (("教育", "教育科技", "edu"), ("学堂", "教育咨询", "xt"), ("职教", "职业培训学校", "zj")),
    "医疗": (("医疗", "医疗器械", "yl"), ("医药", "医药", "yy"), ("健康", "健康管理", "jk"), ("生物", "生物科技", "sw")),
    "零售": (("商贸", "商贸", "sm"), ("优选", "连锁超市", "yx"), ("百货", "百货", "bh"), ("电商", "电子商务", "ds")),
    "金融": (("资本", "投资管理", "zb"), ("租赁", "融资租赁", "zl"), ("保险", "保险代理", "bx")),
    "企业服务/SaaS": (("科技", "信息科技", "tech"), ("软件", "软件", "soft"), ("云", "云计算", "cloud"),
                   ("数据", "数据科技", "data")),
    "物流": (("物流", "物流", "wl"), ("供应链", "供应链管理", "scm"), ("速运", "速运", "sy")),
}
# Weights of the industries among customers.
INDUSTRY_WEIGHTS = {"制造业": 26, "企业服务/SaaS": 20, "零售": 16, "教育": 12, "医疗": 10, "物流": 9, "金融": 7}
CITIES = ("上海", "北京", "深圳", "广州", "杭州", "苏州", "南京", "成都", "武汉", "西安", "天津", "重庆",
          "宁波", "青岛", "厦门", "长沙", "合肥", "郑州", "东莞", "无锡")
SURNAMES = (("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
            ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
            ("胡", "hu"), ("朱", "zhu"), ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"), ("马", "ma"))
GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "婷", "强", "军", "丽", "涛", "鹏", "晨", "欣怡")
# Key contacts are written "*经理", "*总" (seed 002): (how they are addressed, title).
CONTACT_ROLES = (("经理", "采购经理"), ("总", "总经理"), ("主管", "IT主管"), ("主管", "行政主管"),
                 ("总监", "运营总监"), ("经理", "财务经理"), ("经理", "市场部经理"))
INDUSTRY_CONTACT_ROLES = {
    "教育": (("校长", "校长"), ("主任", "教务主任")),
    "医疗": (("主任", "设备科主任"), ("院长", "副院长")),
    "制造业": (("厂长", "厂长"),),
}
# Contacts at foreign-invested companies who prefer English.
ENGLISH_CONTACTS = ("Mr. Schmidt", "Ms. Tan", "Mr. Miller", "Ms. Laurent", "Mr. Sato", "Ms. Novak")
# Seed 002 on channels: traditional industries by e-mail or visits, internet
# companies by instant messaging; the rest mixed.
CHANNEL_WEIGHTS = {
    "制造业": {"email": 4, "visit": 4, "phone": 2, "wechat": 2},
    "物流": {"phone": 4, "email": 3, "visit": 2, "wechat": 2},
    "企业服务/SaaS": {"wechat": 5, "community": 3, "email": 2},
    "零售": {"wechat": 4, "community": 3, "sms": 3},
    "教育": {"wechat": 4, "community": 3, "email": 2},
    "医疗": {"email": 3, "visit": 3, "phone": 2},
    "金融": {"phone": 3, "visit": 3, "email": 3},
}
CHANNEL_TAGS = {"wechat": "微信沟通", "community": "社群活跃", "sms": "短信触达", "email": "邮件沟通",
                "phone": "电话沟通", "visit": "线下拜访"}
SCENARIO_TAGS = {
    "制造业": ("设备运维", "降本增效", "产线数字化"),
    "教育": ("教学场景适配", "招生管理"),
    "医疗": ("设备采购", "合规管理"),
    "零售": ("门店管理", "会员运营"),
    "金融": ("风控合规", "客户经营"),
    "企业服务/SaaS": ("效率工具", "数据分析"),
    "物流": ("运输调度", "仓储管理"),
}
PAIN_POINT_TAGS = ("操作复杂度高", "成本敏感", "服务响应慢", "培训需求大", "交付周期长", "功能定制需求")
PRODUCTS = ("标准版年费", "专业版年费", "实施服务", "培训服务", "设备维保", "耗材补货", "定制开发", "增值模块")
ORDER_CHANNELS = ("直销", "线上商城", "代理商", "续费")
INTERACTION_NOTES = (
    "电话回访:{contact}对新增功能感兴趣,需提供详细报价",
    "上门拜访{contact},收集续约意见",
    "微信群答疑,{contact}反馈操作步骤较多",
    "邮件发送行业报告,{contact}已回复",
    "{contact}参加产品培训,希望增加线下场次",
    "售后工单跟进,{contact}确认问题已解决",
)
MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
                   "177", "180", "181", "186", "187", "188", "189", "199")


# Customers ---------------------------------------------------------------------

def fake_customer(rng, registered_on):
    """Realistic columns of a customer (without external_id) and its tags."""
    industry = rng.choices(list(INDUSTRY_WEIGHTS), weights=list(INDUSTRY_WEIGHTS.values()))[0]
    brand, brand_pinyin = rng.choice(BRANDS)
    short, business, business_pinyin = rng.choice(INDUSTRIES[industry])
    city = rng.choice(CITIES)
    surname, surname_pinyin = rng.choice(SURNAMES)
    english = rng.random() < 0.08
    addressed, title = rng.choice(CONTACT_ROLES + INDUSTRY_CONTACT_ROLES.get(industry, ()))
    contact = rng.choice(ENGLISH_CONTACTS) if english else surname + addressed
    handle = contact.split()[-1].lower() if english else surname_pinyin
    channels = CHANNEL_WEIGHTS[industry]
    channel = rng.choices(list(channels), weights=list(channels.values()))[0]
    suffix = "股份有限公司" if rng.random() < 0.2 else "有限公司"
    domain = f"{brand_pinyin}{business_pinyin}.{'com' if english else 'com.cn'}"
    fields = {
        "name": brand + short,
        "company": f"{city if rng.random() < 0.6 else ''}{brand}{business}{suffix}",
        "industry": industry,
        "contact_person": contact,
        "contact_title": title,
        "email": f"{handle}.{rng.randint(1, 99)}@{domain}",
        "phone": rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}",
        "wechat_id": f"{handle}_{brand_pinyin}{rng.randint(10, 999)}",
        "city": city,
        "preferred_channel": channel,
        "preferred_language": "en" if english else "zh",
        "registered_on": registered_on,
        "consent": rng.random() < 0.85,
    }
    tags = {industry, rng.choice(SCENARIO_TAGS[industry]), CHANNEL_TAGS[channel]}
    tags.update(rng.sample(PAIN_POINT_TAGS, rng.choice((0, 1, 1, 2))))
    return fields, sorted(tags)


# Order histories ---------------------------------------------------------------
# Each history is (days since registration, [(days ago, amount)]) relative to the
# tiering date, built so the default rules (seed 000) put the customer in the
# wanted tier: window orders stay within 360 days, older ones beyond 370, so
# leap years cannot move an order across the 12-month boundary.

def _amounts(rng, total, count):
    """`count` amounts (2 decimals) that sum to about `total`."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
    scale = total / sum(weights)
    return [round(w * scale, 2) for w in weights]


def _older(rng, registered_days, count, low, high):
    """`count` orders more than a year ago, after registration."""
    if registered_days < 375:
        return []
    return [(rng.randint(370, registered_days), round(rng.uniform(low, high), 2)) for _ in range(count)]


def _high_value(rng):
    registered = rng.randint(400, 1800) if rng.random() < 0.6 else rng.randint(120, 360)
    count = rng.randint(8, 20)
    days = [rng.randint(0, 28)] + [rng.randint(0, min(360, registered)) for _ in range(count - 1)]
    orders = [(d, round(rng.uniform(1500, 8000), 2)) for d in days]
    return registered, orders + _older(rng, registered, rng.randint(0, 10), 800, 6000)


def _churn_risk(rng):
    registered = rng.randint(200, 1800)
    last = rng.randint(95, min(360, registered)) if rng.random() < 0.6 else rng.randint(370, max(370, registered))
    registered = max(registered, last)
    orders = [(last, round(rng.uniform(100, 450), 2))]
    if last <= 360 and rng.random() < 0.5:
        orders.append((rng.randint(last, min(360, registered)), round(rng.uniform(100, 450), 2)))
    older = [(d, a) for d, a in _older(rng, registered, rng.randint(0, 5), 300, 3000) if d >= last]
    return registered, orders + older


def _new(rng):
    first = rng.randint(0, 6)
    registered = rng.randint(first, 60) if rng.random() < 0.7 else rng.randint(150, 900)
    return registered, [(first, round(rng.uniform(500, 6000), 2))]


def _growth(rng):
    registered = rng.choice((rng.randint(30, 88), rng.randint(100, 360), rng.randint(400, 1500)))
    count = rng.randint(3, 7)
    days = [rng.randint(0, min(55, registered))] + [rng.randint(0, min(360, registered)) for _ in range(count - 1)]
    amounts = _amounts(rng, rng.uniform(3600, 9200), count)
    return registered, list(zip(days, amounts)) + _older(rng, registered, rng.randint(0, 6), 300, 3000)


def _general(rng):
    """Customers no rule takes: prospects, lapsing regulars, frequent small buyers."""
    kind = rng.random()
    if kind < 0.35:  # prospects who never ordered
        return rng.randint(5, 600), []
    registered = rng.randint(120, 1500)
    if kind < 0.7:  # last order 62-88 days ago: too late for growth, too early for churn-risk
        last = rng.randint(62, 88)
        days = [last] + [rng.randint(last, min(360, registered)) for _ in range(rng.randint(2, 5))]
        return registered, [(d, round(rng.uniform(300, 2000), 2)) for d in days]
    # buying often but little: F >= 8 yet M < 10,000
    days = [rng.randint(0, 20)] + [rng.randint(0, min(360, registered)) for _ in range(rng.randint(8, 13))]
    return registered, [(d, round(rng.uniform(100, 700), 2)) for d in days]


HISTORIES = {Tier.HIGH_VALUE: _high_value, Tier.CHURN_RISK: _churn_risk, Tier.NEW: _new,
             Tier.GROWTH: _growth, Tier.GENERAL: _general}


def tier_plan(count, rng):
    """The wanted tier of each of `count` customers, in TIER_MIX shares, shuffled."""
    plan = [tier for tier, share in TIER_MIX.items() for _ in range(round(count * share))]
    plan = (plan + [Tier.GENERAL] * count)[:count]
    rng.shuffle(plan)
    return plan


def interaction_days(rng, registered_days, order_days):
    """Days ago of a few contacts, none after the last order (R counts purchases only, but
    the lifecycle stage counts contacts too: so it stays the one the history was built for)."""
    if not order_days:
        return []
    last = min(order_days)
    return [rng.randint(last, max(last, registered_days)) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]


def _load_customers(as_of):
    rng = random.Random(DEMO_SEED)
    customers, histories, names = [], [], set()
    for number, tier in enumerate(tier_plan(DEMO_CUSTOMERS, rng), start=1):
        registered_days, orders = HISTORIES[tier](rng)
        fields, tags = fake_customer(rng, as_of - timedelta(days=registered_days))
        while fields["name"] in names:  # each name once, as in a real customer list
            fields, tags = fake_customer(rng, as_of - timedelta(days=registered_days))
        names.add(fields["name"])
        customer = Customer(external_id=f"C{number:04d}", **fields)
        customer.tag_rows = [CustomerTag(tag=tag) for tag in tags]
        customers.append(customer)
        histories.append((registered_days, orders))
    db.session.add_all(customers)
    db.session.flush()

    order_rows, interaction_rows = [], []
    for customer, (registered_days, orders) in zip(customers, histories):
        for days_ago, amount in orders:
            order_rows.append({
                "external_id": f"D{len(order_rows) + 1:06d}", "customer_id": customer.id,
                "ordered_on": as_of - timedelta(days=days_ago), "amount": Decimal(str(amount)),
                "product": rng.choice(PRODUCTS), "channel": rng.choice(ORDER_CHANNELS),
            })
        for days_ago in interaction_days(rng, registered_days, [d for d, _ in orders]):
            interaction_rows.append({
                "customer_id": customer.id, "occurred_on": as_of - timedelta(days=days_ago),
                "channel": rng.choice(CHANNELS),
                "note": rng.choice(INTERACTION_NOTES).format(contact=customer.contact_person),
            })
    db.session.execute(insert(Order), order_rows)
    db.session.execute(insert(Interaction), interaction_rows)
    rfm_inputs.refresh(customer.id for customer in customers)
    tiering.recompute(as_of=as_of)


def database_is_empty():
    return db.session.scalar(select(func.count()).select_from(User)) == 0


def load(as_of=None):
    """Idempotent: accounts that exist already are left as they are, and customers
    are only created (and tiered as of `as_of`, today by default) when there are none."""
    for email, name, password, roles, locale in DEMO_ACCOUNTS:
        if auth_services.get_by_email(email) is None:
            auth_services.create_user(email, name, password, roles, locale)
    if db.session.scalar(select(func.count()).select_from(Customer)) == 0:
        _load_customers(as_of or clock.today())
    seed_catalogue()
    users = {}
    for email, _name, _password, roles, locale in DEMO_ACCOUNTS:  # the first of each role, then Emma
        key = roles[0].value if roles[0].value not in users else f"{roles[0].value}_{locale}"
        users[key] = auth_services.get_by_email(email)
    demo_plans.load_plans(users, as_of)
    db.session.commit()


def accounts_text():
    lines = ["Demo accounts (e-mail / password / roles / language):"]
    for email, _name, password, roles, locale in DEMO_ACCOUNTS:
        lines.append(f"  {email:<24} {password:<16} {', '.join(r.value for r in roles):<10} {LANGUAGE_NAMES[locale]}")
    return "\n".join(lines)
