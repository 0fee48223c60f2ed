"""Demo catalog: the courses and lessons that ``edutv seed-demo`` loads into an empty database,
as pure data (standard library only) describing a small but realistic slice of the Hunan
provincial smart-education platform as a family sees it on the TV: textbook-synchronous lessons,
fun classroom lessons, famous-teacher classes from Changsha schools, red culture and Hunan
history, popular science, safety, labour, mental health, vocational skills, university courses
and parenting talks; every course uses the stage, grade, subject, series and edition codes
defined below, and :func:`validate` checks that the catalog stays consistent with them."""

import re
from dataclasses import dataclass

STAGES: dict[str, str] = {
    "primary": "小学",
    "junior": "初中",
    "senior": "高中",
    "vocational": "中职",
    "higher": "高校",
    "family": "家庭教育",
}

STAGE_GRADES: dict[str, tuple[str, ...]] = {
    "primary": ("g1", "g2", "g3", "g4", "g5", "g6"),
    "junior": ("g7", "g8", "g9"),
    "senior": ("g10", "g11", "g12"),
    "vocational": ("v1", "v2", "v3"),
    "higher": (),
    "family": (),
}

GRADES: dict[str, str] = {
    "g1": "一年级",
    "g2": "二年级",
    "g3": "三年级",
    "g4": "四年级",
    "g5": "五年级",
    "g6": "六年级",
    "g7": "七年级",
    "g8": "八年级",
    "g9": "九年级",
    "g10": "高一",
    "g11": "高二",
    "g12": "高三",
    "v1": "中职一年级",
    "v2": "中职二年级",
    "v3": "中职三年级",
}

SUBJECTS: dict[str, str] = {
    "chinese": "语文",
    "math": "数学",
    "english": "英语",
    "morality": "道德与法治",
    "science": "科学",
    "physics": "物理",
    "chemistry": "化学",
    "biology": "生物",
    "history": "历史",
    "geography": "地理",
    "politics": "思想政治",
    "music": "音乐",
    "art": "美术",
    "pe": "体育与健康",
    "it": "信息科技",
    "labor": "劳动",
    "mental": "心理健康",
    "safety": "安全",
    "parenting": "家庭教育",
    "skills": "专业技能",
}

SERIES: dict[str, str] = {
    "jiebanren": "我是接班人",
    "zhiqu": "智趣新课堂",
    "weilai": "未来建设者",
    "daguo": "大国长技",
    "shuxiang": "书香校园",
    "xinli": "心理健康",
    "laodong": "劳动教育",
    "anquan": "安全教育",
    "kepu": "科普教育",
    "jiating": "家庭教育",
    "sangeketang": "三个课堂",
    "tongbu": "同步课堂",
}

EDITIONS: tuple[str, ...] = (
    "人教版",
    "人教A版",
    "部编版",
    "湘教版",
    "湘科版",
    "外研版",
    "北师大版",
    "苏教版",
)

KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_LESSONS = 3
MAX_LESSONS = 8
MIN_TAGS = 2
MAX_TAGS = 4
MAX_COURSE_TITLE_ZH = 12
MAX_LESSON_TITLE_ZH = 14


@dataclass(frozen=True)
class DemoLesson:
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class DemoCourse:
    key: str  # unique slug [a-z0-9-], e.g. "math-g3-fractions"
    title_zh: str
    title_en: str
    description_zh: str  # 1-3 sentences
    description_en: str
    stage: str  # key of STAGES
    grade: str | None  # one of STAGE_GRADES[stage]; None for stages without grades
    subject: str  # key of SUBJECTS
    series: str  # key of SERIES
    edition: str | None  # one of EDITIONS, or None
    tags: tuple[str, ...]  # 2-4 short Chinese tags
    lessons: tuple[DemoLesson, ...]  # 3 to 8 lessons, in order


def _l(*pairs: tuple[str, str]) -> tuple[DemoLesson, ...]:
    return tuple(DemoLesson(zh, en) for zh, en in pairs)


COURSES: tuple[DemoCourse, ...] = (
    # ------------------------------------------------------------------ 小学 primary
    DemoCourse(
        key="math-g3-fractions",
        title_zh="分数的初步认识",
        title_en="First Steps with Fractions",
        description_zh="从分月饼、折纸入手，认识几分之一和几分之几，学会比较分数大小，"
        "并进行简单的同分母分数加减计算。",
        description_en="Starting from sharing mooncakes and folding paper, pupils meet unit "
        "fractions and other simple fractions, learn to compare them, and add and subtract "
        "fractions with the same denominator.",
        stage="primary",
        grade="g3",
        subject="math",
        series="tongbu",
        edition="人教版",
        tags=("数学", "三年级", "分数"),
        lessons=_l(
            ("认识几分之一", "Unit Fractions"),
            ("比较几分之一的大小", "Comparing Unit Fractions"),
            ("认识几分之几", "Fractions Like Two Fifths"),
            ("同分母分数加减法", "Adding and Subtracting Like Fractions"),
            ("1减几分之几", "One Minus a Fraction"),
            ("分数的简单应用", "Using Fractions in Real Life"),
        ),
    ),
    DemoCourse(
        key="math-g3-time",
        title_zh="趣味数学：时分秒",
        title_en="Fun Maths: Hours, Minutes and Seconds",
        description_zh="跟着钟面上的秒针跑一跑，认识时间单位“秒”，弄清时、分、秒之间的关系，"
        "学会计算经过的时间。",
        description_en="Race the second hand around the clock face to learn the second as a "
        "unit of time, understand how hours, minutes and seconds relate, and work out how "
        "much time has passed.",
        stage="primary",
        grade="g3",
        subject="math",
        series="zhiqu",
        edition="人教版",
        tags=("数学", "三年级", "趣味课堂"),
        lessons=_l(
            ("认识秒", "Meet the Second"),
            ("时分秒的换算", "Converting Hours, Minutes, Seconds"),
            ("计算经过的时间", "Working Out Elapsed Time"),
        ),
    ),
    DemoCourse(
        key="math-g3-area",
        title_zh="名师课堂：面积",
        title_en="Master Class: Area",
        description_zh="由长沙市小学数学名师执教，通过摆一摆、量一量，理解面积的含义和常用面积单位，"
        "掌握长方形、正方形面积的计算方法。",
        description_en="Taught by a leading primary maths teacher from Changsha: by laying out "
        "and measuring shapes, pupils grasp what area means, learn the common units of area and "
        "calculate the areas of rectangles and squares.",
        stage="primary",
        grade="g3",
        subject="math",
        series="sangeketang",
        edition="人教版",
        tags=("数学", "名师课堂", "长沙"),
        lessons=_l(
            ("面积和面积单位", "Area and Units of Area"),
            ("长方形正方形的面积", "Area of Rectangles and Squares"),
            ("面积单位间的进率", "Converting Units of Area"),
            ("铺地砖中的面积问题", "Area Problems: Tiling a Floor"),
        ),
    ),
    DemoCourse(
        key="math-g6-circle",
        title_zh="圆",
        title_en="The Circle",
        description_zh="认识圆的各部分名称，探究圆周率的奥秘，推导圆的周长和面积公式，"
        "并用所学知识确定跑道的起跑线。",
        description_en="Name the parts of a circle, explore the mystery of pi, derive the "
        "formulas for circumference and area, and use them to set the staggered start lines "
        "of a running track.",
        stage="primary",
        grade="g6",
        subject="math",
        series="tongbu",
        edition="人教版",
        tags=("数学", "六年级", "几何"),
        lessons=_l(
            ("圆的认识", "Getting to Know the Circle"),
            ("圆周率π", "The Number Pi"),
            ("圆的周长", "Circumference"),
            ("圆的面积", "Area of a Circle"),
            ("扇形", "Sectors"),
            ("确定起跑线", "Setting the Start Lines"),
        ),
    ),
    DemoCourse(
        key="chinese-g1-pinyin",
        title_zh="拼音王国",
        title_en="The Kingdom of Pinyin",
        description_zh="配合一年级上册汉语拼音单元，借助情境图和儿歌，学会单韵母和声母的读音与书写，"
        "为识字和阅读打好基础。",
        description_en="Following the Grade 1 pinyin unit, picture scenes and nursery rhymes "
        "help children learn to say and write the simple finals and the initials, laying the "
        "groundwork for reading.",
        stage="primary",
        grade="g1",
        subject="chinese",
        series="tongbu",
        edition="部编版",
        tags=("语文", "拼音", "一年级"),
        lessons=_l(
            ("单韵母 a o e", "Simple Finals a o e"),
            ("i u ü 与 y w", "i u ü with y and w"),
            ("声母 b p m f", "Initials b p m f"),
            ("声母 d t n l", "Initials d t n l"),
            ("声母 g k h", "Initials g k h"),
            ("声母 j q x", "Initials j q x"),
            ("平舌音 z c s", "Flat-Tongue Initials z c s"),
            ("翘舌音 zh ch sh r", "Retroflex Initials zh ch sh r"),
        ),
    ),
    DemoCourse(
        key="chinese-g4-poems",
        title_zh="四年级古诗诵读",
        title_en="Classical Poems for Grade 4",
        description_zh="精选四年级上册的六首古诗，边读边想象诗中画面，体会诗人的情感，"
        "在诵读中感受古诗的韵律之美。",
        description_en="Six classical poems from the Grade 4 textbook: read aloud, picture each "
        "scene, feel what the poet felt and enjoy the rhythm of classical Chinese poetry.",
        stage="primary",
        grade="g4",
        subject="chinese",
        series="shuxiang",
        edition="部编版",
        tags=("古诗", "诵读", "语文"),
        lessons=_l(
            ("《暮江吟》", "Song of the River at Dusk"),
            ("《题西林壁》", "Written on the Wall at Xilin Temple"),
            ("《雪梅》", "Snow and Plum Blossom"),
            ("《出塞》", "Beyond the Frontier"),
            ("《凉州词》", "Song of Liangzhou"),
            ("《夏日绝句》", "A Summer Quatrain"),
        ),
    ),
    DemoCourse(
        key="chinese-g5-classics",
        title_zh="走进四大名著",
        title_en="Into the Four Great Classical Novels",
        description_zh="从课文中的名著片段出发，认识诸葛亮、武松、孙悟空等经典人物，"
        "激发孩子阅读原著的兴趣。",
        description_en="Starting from the excerpts in the textbook, children meet Zhuge Liang, "
        "Wu Song, the Monkey King and other classic characters, and are encouraged to read the "
        "full novels.",
        stage="primary",
        grade="g5",
        subject="chinese",
        series="shuxiang",
        edition="部编版",
        tags=("名著", "阅读", "语文"),
        lessons=_l(
            ("《草船借箭》", "Borrowing Arrows with Straw Boats"),
            ("《景阳冈》", "Wu Song on Jingyang Ridge"),
            ("《猴王出世》", "The Birth of the Monkey King"),
            ("《红楼春趣》", "Spring Fun in the Red Chamber"),
            ("快乐读书吧：读名著", "Reading Corner: The Classics"),
        ),
    ),
    DemoCourse(
        key="english-g3-fun",
        title_zh="三年级英语趣学",
        title_en="Fun English for Grade 3",
        description_zh="用歌曲、游戏和情景对话，带孩子学会打招呼、认颜色、说身体部位，"
        "在轻松氛围中开口说英语。",
        description_en="Songs, games and role-play help children say hello, name colours and "
        "body parts, and start speaking English in a relaxed way.",
        stage="primary",
        grade="g3",
        subject="english",
        series="zhiqu",
        edition="人教版",
        tags=("英语", "三年级", "趣味课堂"),
        lessons=_l(
            ("Hello! 打招呼", "Hello!"),
            ("Colours 认颜色", "Colours"),
            ("Look at me! 身体", "Look at Me!"),
            ("Animals 认动物", "We Love Animals"),
            ("Let's eat! 吃美食", "Let's Eat!"),
        ),
    ),
    DemoCourse(
        key="morality-g1-red-scarf",
        title_zh="红领巾心向党",
        title_en="Red Scarves, Loyal Hearts",
        description_zh="认识国旗、国歌和红领巾，了解少先队的光荣传统，"
        "从小立志做一名合格的少先队员。",
        description_en="Children learn about the national flag, the national anthem and the "
        "red scarf, hear about the proud traditions of the Young Pioneers, and resolve to be "
        "good Young Pioneers.",
        stage="primary",
        grade="g1",
        subject="morality",
        series="jiebanren",
        edition=None,
        tags=("少先队", "爱国", "红领巾"),
        lessons=_l(
            ("五星红旗我爱你", "I Love the Five-Star Red Flag"),
            ("唱响国歌", "Singing the National Anthem"),
            ("红领巾的来历", "Where the Red Scarf Comes From"),
            ("争做好队员", "Being a Good Young Pioneer"),
        ),
    ),
    DemoCourse(
        key="morality-g5-young-mao",
        title_zh="毛泽东的少年时代",
        title_en="Mao Zedong's Early Years",
        description_zh="走进韶山冲，讲述毛泽东同志少年时期勤学苦读、立志出乡关、"
        "到长沙求学的成长经历。",
        description_en="A visit to Shaoshan tells how the young Mao Zedong studied hard, "
        "resolved to leave his home village, and went on to study in Changsha.",
        stage="primary",
        grade="g5",
        subject="morality",
        series="jiebanren",
        edition=None,
        tags=("红色湖南", "韶山", "伟人故事"),
        lessons=_l(
            ("韶山冲里的少年", "A Boy from Shaoshan"),
            ("私塾里的勤学", "Studying at the Village School"),
            ("立志出乡关", "Resolving to Leave Home"),
            ("东山学堂求新知", "New Learning at Dongshan School"),
            ("第一师范的青年", "A Young Man at First Normal School"),
        ),
    ),
    DemoCourse(
        key="music-g4-hunan-songs",
        title_zh="湖南歌谣唱起来",
        title_en="Let's Sing Songs of Hunan",
        description_zh="学唱《浏阳河》和桑植民歌等富有湖南地方特色的歌曲，"
        "感受湖湘音乐的质朴与优美。",
        description_en="Learn to sing Liuyang River, Sangzhi folk songs and other songs full of "
        "Hunan flavour, and enjoy the simple beauty of Hunan's music.",
        stage="primary",
        grade="g4",
        subject="music",
        series="zhiqu",
        edition=None,
        tags=("音乐", "湖南民歌", "学唱"),
        lessons=_l(
            ("《浏阳河》", "Liuyang River"),
            ("《洗菜心》", "Washing the Greens"),
            ("《马桑树儿搭灯台》", "The Mulberry Tree and the Lamp Stand"),
        ),
    ),
    DemoCourse(
        key="art-g3-colours",
        title_zh="彩笔画家乡",
        title_en="Painting My Hometown",
        description_zh="认识三原色和冷暖色，学会用色彩表达心情，最后用画笔描绘自己的家乡。",
        description_en="Discover the primary colours and warm and cool colours, learn to show "
        "feelings with colour, and finally paint a picture of your hometown.",
        stage="primary",
        grade="g3",
        subject="art",
        series="zhiqu",
        edition=None,
        tags=("美术", "色彩", "绘画"),
        lessons=_l(
            ("三原色的秘密", "The Secret of Primary Colours"),
            ("冷色与暖色", "Warm and Cool Colours"),
            ("我的家乡风景画", "A Landscape of My Hometown"),
        ),
    ),
    DemoCourse(
        key="pe-g4-rope-skipping",
        title_zh="阳光跳绳",
        title_en="Sunny Rope Skipping",
        description_zh="从握绳、摇绳等基本功练起，循序渐进掌握多种跳法，"
        "在家也能跟着大屏幕一起锻炼。",
        description_en="Start with the basics of holding and turning the rope, build up to "
        "several skipping styles step by step, and exercise along with the TV at home.",
        stage="primary",
        grade="g4",
        subject="pe",
        series="zhiqu",
        edition=None,
        tags=("体育", "跳绳", "居家锻炼"),
        lessons=_l(
            ("跳绳基本功", "Rope Skipping Basics"),
            ("双脚并跳", "Two-Foot Jumps"),
            ("单脚交换跳", "Alternate-Foot Jumps"),
            ("一分钟跳绳挑战", "The One-Minute Challenge"),
        ),
    ),
    DemoCourse(
        key="it-g5-coding",
        title_zh="编程小创客",
        title_en="Young Coders",
        description_zh="用图形化编程工具搭积木式写程序，理解顺序、循环和条件判断，"
        "亲手做出会动的小动画。",
        description_en="Build programs from blocks in a visual coding tool, understand "
        "sequence, loops and conditions, and make your own little animation.",
        stage="primary",
        grade="g5",
        subject="it",
        series="weilai",
        edition=None,
        tags=("编程", "信息科技", "创客"),
        lessons=_l(
            ("认识图形化编程", "Meet Block-Based Coding"),
            ("让角色动起来", "Making Sprites Move"),
            ("重复执行：循环", "Repeat: Loops"),
            ("如果……就……：条件判断", "If-Then: Conditions"),
        ),
    ),
    DemoCourse(
        key="labor-g4-little-chef",
        title_zh="我是小厨师",
        title_en="I'm a Little Chef",
        description_zh="认识厨房里的常用工具，学会择菜、洗菜，在家长陪同下安全地完成一道家常菜。",
        description_en="Get to know common kitchen tools, learn to pick and wash vegetables, and "
        "safely cook a simple home dish with a parent.",
        stage="primary",
        grade="g4",
        subject="labor",
        series="laodong",
        edition=None,
        tags=("劳动", "烹饪", "家务"),
        lessons=_l(
            ("认识厨房工具", "Kitchen Tools"),
            ("洗菜择菜有讲究", "Washing and Picking Vegetables"),
            ("煮一个鸡蛋", "Boiling an Egg"),
            ("番茄炒蛋", "Tomato and Egg Stir-Fry"),
        ),
    ),
    DemoCourse(
        key="labor-g3-garden",
        title_zh="小小种植园",
        title_en="My Little Garden",
        description_zh="在阳台或小菜园里种下一粒种子，学习播种、浇水和施肥，"
        "坚持写观察日记，体会劳动收获的快乐。",
        description_en="Plant a seed on the balcony or in a vegetable patch, learn to sow, water "
        "and feed it, keep an observation diary, and enjoy the harvest of your own work.",
        stage="primary",
        grade="g3",
        subject="labor",
        series="laodong",
        edition=None,
        tags=("劳动", "种植", "观察"),
        lessons=_l(
            ("认识种子", "Getting to Know Seeds"),
            ("种下一粒种子", "Sowing a Seed"),
            ("浇水与施肥", "Watering and Feeding"),
            ("写观察日记", "Keeping a Growth Diary"),
        ),
    ),
    DemoCourse(
        key="safety-g4-drowning",
        title_zh="防溺水安全课",
        title_en="Staying Safe Around Water",
        description_zh="湖南江河湖塘众多，夏季是溺水事故高发期。课程教孩子认清危险水域，"
        "牢记防溺水“六不”，遇到同伴落水时学会正确求助。",
        description_en="Hunan has many rivers, lakes and ponds, and summer is when most drownings "
        "happen. Children learn to recognise dangerous water, remember the six don'ts of "
        "drowning prevention, and call for help the right way if a friend falls in.",
        stage="primary",
        grade="g4",
        subject="safety",
        series="anquan",
        edition=None,
        tags=("安全", "防溺水", "暑假"),
        lessons=_l(
            ("认清危险水域", "Spotting Dangerous Water"),
            ("牢记防溺水“六不”", "The Six Don'ts"),
            ("同伴落水不盲目施救", "Get Help, Don't Jump In"),
            ("暑假安全约定", "A Summer Safety Pledge"),
        ),
    ),
    DemoCourse(
        key="safety-g2-traffic",
        title_zh="交通安全伴我行",
        title_en="Road Safety on the Go",
        description_zh="认识红绿灯和常见交通标志，学会安全过马路和文明乘车，"
        "做遵守交通规则的好孩子。",
        description_en="Learn traffic lights and common road signs, how to cross the road safely "
        "and how to behave in a vehicle, and grow up following the rules of the road.",
        stage="primary",
        grade="g2",
        subject="safety",
        series="anquan",
        edition=None,
        tags=("安全", "交通", "出行"),
        lessons=_l(
            ("红绿灯会说话", "What Traffic Lights Say"),
            ("安全过马路", "Crossing the Road Safely"),
            ("乘车安全要记牢", "Staying Safe in the Car"),
            ("不在马路上玩耍", "No Playing in the Street"),
        ),
    ),
    DemoCourse(
        key="safety-g3-fire",
        title_zh="消防安全小卫士",
        title_en="Little Fire Safety Guards",
        description_zh="了解火灾是怎样发生的，认识常见消防标志，掌握火场逃生的基本方法，"
        "学会正确拨打119。",
        description_en="Find out how fires start, recognise common fire safety signs, learn the "
        "basics of escaping a fire, and practise calling 119 correctly.",
        stage="primary",
        grade="g3",
        subject="safety",
        series="anquan",
        edition=None,
        tags=("安全", "消防", "逃生"),
        lessons=_l(
            ("火灾是怎样发生的", "How Fires Start"),
            ("认识消防安全标志", "Fire Safety Signs"),
            ("火场逃生要牢记", "Escaping a Fire"),
            ("正确拨打119", "Calling 119"),
        ),
    ),
    DemoCourse(
        key="science-g5-hunan-wildlife",
        title_zh="湖南珍稀动物",
        title_en="Rare Animals of Hunan",
        description_zh="走进洞庭湖、张家界和莽山，认识生活在湖南的江豚、麋鹿、大鲵等珍稀动物，"
        "懂得保护野生动物和它们的家园。",
        description_en="Visit Dongting Lake, Zhangjiajie and Mangshan to meet the finless "
        "porpoises, Père David's deer, giant salamanders and other rare animals of Hunan, and "
        "learn why we protect them and their homes.",
        stage="primary",
        grade="g5",
        subject="science",
        series="kepu",
        edition=None,
        tags=("科普", "野生动物", "湖南"),
        lessons=_l(
            ("洞庭湖的江豚", "Finless Porpoises of Dongting"),
            ("东洞庭湖的麋鹿", "Père David's Deer at East Dongting"),
            ("张家界的大鲵", "Giant Salamanders of Zhangjiajie"),
            ("莽山烙铁头蛇", "The Mangshan Pit Viper"),
        ),
    ),
    DemoCourse(
        key="science-g6-stars",
        title_zh="仰望星空",
        title_en="Looking Up at the Stars",
        description_zh="认识太阳系的八大行星，弄懂月相变化和日食、月食的成因，"
        "了解中国空间站上的太空生活。",
        description_en="Meet the eight planets of the solar system, understand the phases of the "
        "Moon and what causes solar and lunar eclipses, and see how astronauts live on China's "
        "space station.",
        stage="primary",
        grade="g6",
        subject="science",
        series="kepu",
        edition=None,
        tags=("科普", "天文", "航天"),
        lessons=_l(
            ("太阳系大家庭", "The Solar System Family"),
            ("月相的变化", "Phases of the Moon"),
            ("日食和月食", "Solar and Lunar Eclipses"),
            ("中国空间站", "China's Space Station"),
        ),
    ),
    DemoCourse(
        key="mental-g3-feelings",
        title_zh="快乐成长心理课",
        title_en="Growing Up Happy",
        description_zh="帮助孩子认识和表达自己的情绪，学会处理生气、紧张等感受，"
        "在与同伴的交往中建立自信。",
        description_en="Helps children recognise and express their emotions, cope with anger and "
        "nerves, and build confidence in getting along with friends.",
        stage="primary",
        grade="g3",
        subject="mental",
        series="xinli",
        edition=None,
        tags=("心理健康", "情绪", "自信"),
        lessons=_l(
            ("认识我的情绪", "Knowing My Feelings"),
            ("生气了怎么办", "When I Feel Angry"),
            ("交朋友的小秘诀", "Tips for Making Friends"),
            ("我能行！", "I Can Do It!"),
        ),
    ),
    # ------------------------------------------------------------------ 初中 junior
    DemoCourse(
        key="physics-g8-light",
        title_zh="光现象",
        title_en="Light Phenomena",
        description_zh="通过小孔成像、平面镜和水中筷子“折断”等实验，认识光的直线传播、"
        "反射、折射和色散。",
        description_en="Pinhole cameras, plane mirrors and the chopstick that seems to bend in "
        "water show how light travels in straight lines, reflects, refracts and disperses.",
        stage="junior",
        grade="g8",
        subject="physics",
        series="tongbu",
        edition="人教版",
        tags=("物理", "光学", "八年级"),
        lessons=_l(
            ("光的直线传播", "Light Travels in Straight Lines"),
            ("光的反射", "Reflection of Light"),
            ("平面镜成像", "Images in a Plane Mirror"),
            ("光的折射", "Refraction of Light"),
            ("光的色散", "Dispersion of Light"),
        ),
    ),
    DemoCourse(
        key="math-g7-rational-numbers",
        title_zh="有理数",
        title_en="Rational Numbers",
        description_zh="从生活中的温度、海拔认识正数和负数，借助数轴理解相反数与绝对值，"
        "掌握有理数的四则运算和乘方。",
        description_en="Temperatures and altitudes introduce positive and negative numbers; the "
        "number line explains opposites and absolute value; then come the four operations and "
        "powers of rational numbers.",
        stage="junior",
        grade="g7",
        subject="math",
        series="tongbu",
        edition="人教版",
        tags=("数学", "七年级", "有理数"),
        lessons=_l(
            ("正数和负数", "Positive and Negative Numbers"),
            ("数轴与绝对值", "The Number Line and Absolute Value"),
            ("有理数的加减法", "Adding and Subtracting"),
            ("有理数的乘除法", "Multiplying and Dividing"),
            ("有理数的乘方", "Powers of Rational Numbers"),
        ),
    ),
    DemoCourse(
        key="math-g8-pythagoras",
        title_zh="名师讲勾股定理",
        title_en="Master Class: The Pythagorean Theorem",
        description_zh="长沙名校数学名师从赵爽弦图讲起，带你证明勾股定理，"
        "并用它和它的逆定理解决实际问题。",
        description_en="A leading maths teacher from a top Changsha school starts from Zhao "
        "Shuang's hypotenuse diagram, proves the Pythagorean theorem, and uses it and its "
        "converse to solve real problems.",
        stage="junior",
        grade="g8",
        subject="math",
        series="sangeketang",
        edition="人教版",
        tags=("数学", "名师课堂", "几何"),
        lessons=_l(
            ("赵爽弦图证勾股", "Zhao Shuang's Proof"),
            ("勾股定理的应用", "Applying the Theorem"),
            ("勾股定理的逆定理", "The Converse"),
            ("生活中的勾股数", "Pythagorean Triples Around Us"),
        ),
    ),
    DemoCourse(
        key="chemistry-g9-intro",
        title_zh="走进化学世界",
        title_en="Into the World of Chemistry",
        description_zh="从点燃一支蜡烛开始，认识物理变化和化学变化，学会基本的实验操作，"
        "探究空气的成分和氧气的性质。",
        description_en="Starting with a burning candle, learn the difference between physical and "
        "chemical change, master basic lab skills, and investigate what air is made of and how "
        "oxygen behaves.",
        stage="junior",
        grade="g9",
        subject="chemistry",
        series="tongbu",
        edition="人教版",
        tags=("化学", "实验", "九年级"),
        lessons=_l(
            ("物质的变化和性质", "Changes and Properties of Matter"),
            ("对蜡烛燃烧的探究", "Investigating a Burning Candle"),
            ("走进化学实验室", "In the Chemistry Lab"),
            ("空气的成分", "What Air Is Made Of"),
            ("氧气的性质", "Properties of Oxygen"),
            ("实验室制取氧气", "Making Oxygen in the Lab"),
        ),
    ),
    DemoCourse(
        key="biology-g7-cells",
        title_zh="显微镜下的细胞",
        title_en="Cells Under the Microscope",
        description_zh="学会使用显微镜，亲眼观察洋葱表皮细胞和口腔上皮细胞，"
        "认识细胞是生命活动的基本单位。",
        description_en="Learn to use a microscope, look at onion skin cells and cheek cells with "
        "your own eyes, and see why the cell is the basic unit of life.",
        stage="junior",
        grade="g7",
        subject="biology",
        series="zhiqu",
        edition="人教版",
        tags=("生物", "显微镜", "实验"),
        lessons=_l(
            ("练习使用显微镜", "Using a Microscope"),
            ("观察植物细胞", "Looking at Plant Cells"),
            ("观察动物细胞", "Looking at Animal Cells"),
            ("细胞的生活", "How Cells Live"),
            ("细胞的分裂与分化", "Cell Division and Differentiation"),
        ),
    ),
    DemoCourse(
        key="history-g8-red-hunan",
        title_zh="红色湖南",
        title_en="Red Hunan",
        description_zh="从长沙新民学会到秋收起义、湘南起义，再到汝城“半条被子”的故事，"
        "回顾湖南这片红色热土上的革命历程。",
        description_en="From the New People's Study Society in Changsha to the Autumn Harvest "
        "and Southern Hunan uprisings and the story of half a quilt in Rucheng, this course "
        "traces the revolutionary history of Hunan.",
        stage="junior",
        grade="g8",
        subject="history",
        series="jiebanren",
        edition=None,
        tags=("红色湖南", "革命历史", "党史"),
        lessons=_l(
            ("长沙新民学会", "The New People's Study Society"),
            ("秋收起义会师文家市", "Autumn Harvest Uprising at Wenjiashi"),
            ("湘南起义", "The Southern Hunan Uprising"),
            ("平江起义", "The Pingjiang Uprising"),
            ("汝城“半条被子”", "Half a Quilt in Rucheng"),
            ("桑植：红二六军团出征", "The Long March Sets Out from Sangzhi"),
        ),
    ),
    DemoCourse(
        key="morality-g8-constitution",
        title_zh="走进宪法",
        title_en="Getting to Know the Constitution",
        description_zh="理解宪法是国家的根本法，明白公民的基本权利和义务，"
        "了解人民当家作主的制度保障，树立法治观念。",
        description_en="Understand the Constitution as the fundamental law of the state, the "
        "basic rights and duties of citizens, and how the system ensures that the people are "
        "the masters of the country, building respect for the rule of law.",
        stage="junior",
        grade="g8",
        subject="morality",
        series="tongbu",
        edition="部编版",
        tags=("宪法", "法治", "道德与法治"),
        lessons=_l(
            ("坚持宪法至上", "The Constitution Comes First"),
            ("理解权利义务", "Rights and Duties"),
            ("人民当家作主", "The People Are the Masters"),
            ("崇尚法治精神", "Respecting the Rule of Law"),
        ),
    ),
    DemoCourse(
        key="english-g7-sync",
        title_zh="七年级英语同步",
        title_en="Grade 7 English",
        description_zh="紧扣七年级上册教材，围绕自我介绍、家庭成员和身边物品展开听说读写训练，"
        "帮助学生顺利适应初中英语学习。",
        description_en="Closely following the Grade 7 textbook, listening, speaking, reading and "
        "writing practice around introducing yourself, your family and everyday things helps "
        "students settle into junior-school English.",
        stage="junior",
        grade="g7",
        subject="english",
        series="tongbu",
        edition="人教版",
        tags=("英语", "七年级", "同步"),
        lessons=_l(
            ("Unit 1 介绍自己", "Unit 1 My Name's Gina"),
            ("Unit 2 我的家人", "Unit 2 This Is My Sister"),
            ("Unit 3 这是谁的", "Unit 3 Is This Your Pencil?"),
            ("Unit 4 东西在哪里", "Unit 4 Where's My Schoolbag?"),
            ("Unit 5 谈论球类", "Unit 5 Do You Have a Soccer Ball?"),
        ),
    ),
    DemoCourse(
        key="chinese-g8-tang-poems",
        title_zh="唐诗五首赏读",
        title_en="Tang Poetry: Five Poems",
        description_zh="细读王绩、崔颢、王维、李白、白居易的五首唐诗，"
        "品味诗中的景物描写和思乡、送别之情。",
        description_en="A close reading of five Tang poems by Wang Ji, Cui Hao, Wang Wei, Li Bai "
        "and Bai Juyi, savouring their scenery and their feelings of homesickness and farewell.",
        stage="junior",
        grade="g8",
        subject="chinese",
        series="shuxiang",
        edition="部编版",
        tags=("唐诗", "诗词鉴赏", "语文"),
        lessons=_l(
            ("《野望》", "Gazing into the Wilds"),
            ("《黄鹤楼》", "Yellow Crane Tower"),
            ("《使至塞上》", "On a Mission to the Frontier"),
            ("《渡荆门送别》", "Farewell Beyond Jingmen"),
            ("《钱塘湖春行》", "Spring Walk by Qiantang Lake"),
        ),
    ),
    DemoCourse(
        key="chinese-g9-yueyang-tower",
        title_zh="名校课堂：岳阳楼记",
        title_en="Top School Class: The Yueyang Tower",
        description_zh="长沙名校语文名师执教，读懂范仲淹笔下的洞庭湖与岳阳楼，"
        "体会“先天下之忧而忧，后天下之乐而乐”的情怀。",
        description_en="Taught by a leading Chinese teacher from a top Changsha school: "
        "understand Fan Zhongyan's Dongting Lake and Yueyang Tower, and the ideal of being "
        "the first to worry about the world's troubles and the last to enjoy its comforts.",
        stage="junior",
        grade="g9",
        subject="chinese",
        series="sangeketang",
        edition="部编版",
        tags=("名校课堂", "古文", "岳阳楼"),
        lessons=_l(
            ("写作背景与字词疏通", "Background and Key Words"),
            ("衔远山，吞长江", "Holding Mountains, Swallowing the River"),
            ("迁客骚人的悲与喜", "Joys and Sorrows of Travellers"),
            ("先天下之忧而忧", "First to Worry for the World"),
        ),
    ),
    DemoCourse(
        key="geography-g8-hunan",
        title_zh="认识湖南地理",
        title_en="The Geography of Hunan",
        description_zh="湖南三面环山、朝北开口，湘、资、沅、澧四水汇入洞庭。"
        "课程带你认识家乡的地形、河湖、世界自然遗产和城市群。",
        description_en="Hunan is ringed by mountains on three sides and opens to the north, where "
        "the Xiang, Zi, Yuan and Li rivers flow into Dongting Lake. Explore your home "
        "province's landforms, rivers and lakes, natural heritage and city cluster.",
        stage="junior",
        grade="g8",
        subject="geography",
        series="kepu",
        edition=None,
        tags=("地理", "湖南", "科普"),
        lessons=_l(
            ("马蹄形的地势", "A Horseshoe-Shaped Landscape"),
            ("湘资沅澧：三湘四水", "The Four Rivers of Hunan"),
            ("八百里洞庭", "Vast Dongting Lake"),
            ("武陵源的砂岩峰林", "The Sandstone Peaks of Wulingyuan"),
            ("长株潭城市群", "The Changsha-Zhuzhou-Xiangtan Cluster"),
        ),
    ),
    DemoCourse(
        key="it-g8-ai",
        title_zh="人工智能初体验",
        title_en="A First Taste of AI",
        description_zh="人工智能是怎样“看”懂图片、“听”懂说话的？动手训练一个简单的分类模型，"
        "揭开AI的神秘面纱。",
        description_en="How does artificial intelligence see pictures and understand speech? "
        "Train a simple classification model yourself and take the mystery out of AI.",
        stage="junior",
        grade="g8",
        subject="it",
        series="weilai",
        edition=None,
        tags=("人工智能", "信息科技", "动手实践"),
        lessons=_l(
            ("什么是人工智能", "What Is AI?"),
            ("机器怎样“看”图片", "How Machines See Pictures"),
            ("语音识别与智能音箱", "Speech Recognition and Smart Speakers"),
            ("训练一个分类模型", "Training a Classifier"),
        ),
    ),
    DemoCourse(
        key="physics-g8-space",
        title_zh="少年航天课",
        title_en="Space Flight for Young People",
        description_zh="从火箭升空的原理讲到神舟飞船、天宫空间站和嫦娥探月，"
        "用物理知识读懂中国航天的成就。",
        description_en="From the physics of a rocket launch to the Shenzhou spacecraft, the "
        "Tiangong space station and the Chang'e lunar missions, use physics to understand "
        "China's achievements in space.",
        stage="junior",
        grade="g8",
        subject="physics",
        series="weilai",
        edition=None,
        tags=("航天", "物理", "科技强国"),
        lessons=_l(
            ("火箭为什么能上天", "Why Rockets Fly"),
            ("人造卫星绕地球", "Satellites in Orbit"),
            ("神舟飞船与航天员", "Shenzhou and the Astronauts"),
            ("天宫空间站", "The Tiangong Space Station"),
            ("嫦娥探月与天问探火", "Chang'e to the Moon, Tianwen to Mars"),
        ),
    ),
    DemoCourse(
        key="mental-g8-adolescence",
        title_zh="青春心理课",
        title_en="Mind Matters for Teens",
        description_zh="陪伴初中生认识青春期的身心变化，学会调节情绪和考试焦虑，"
        "与父母、同学建立良好关系。",
        description_en="Helps junior-school students understand the changes of adolescence, "
        "manage their emotions and exam anxiety, and get along well with parents and "
        "classmates.",
        stage="junior",
        grade="g8",
        subject="mental",
        series="xinli",
        edition=None,
        tags=("心理健康", "青春期", "情绪"),
        lessons=_l(
            ("悦纳青春的自己", "Accepting the Teenage Me"),
            ("情绪的小怪兽", "The Little Monster of Emotions"),
            ("和父母好好说话", "Talking Well with Parents"),
            ("考试焦虑巧调节", "Easing Exam Anxiety"),
        ),
    ),
    DemoCourse(
        key="safety-g8-online",
        title_zh="网络安全与防诈骗",
        title_en="Online Safety and Fraud Prevention",
        description_zh="结合真实案例，教学生保护个人信息、识破常见网络诈骗，"
        "远离网络欺凌，合理安排上网时间。",
        description_en="Using real cases, students learn to protect their personal information, "
        "see through common online scams, stay away from cyberbullying and manage their "
        "screen time.",
        stage="junior",
        grade="g8",
        subject="safety",
        series="anquan",
        edition=None,
        tags=("安全", "网络安全", "防诈骗"),
        lessons=_l(
            ("保护个人信息", "Protecting Personal Information"),
            ("识破网络诈骗", "Seeing Through Online Scams"),
            ("警惕游戏充值陷阱", "Game Top-Up Traps"),
            ("拒绝网络欺凌", "Saying No to Cyberbullying"),
            ("合理安排上网时间", "Managing Screen Time"),
        ),
    ),
    # ------------------------------------------------------------------ 高中 senior
    DemoCourse(
        key="chemistry-g10-reactions",
        title_zh="高一化学：物质与反应",
        title_en="Grade 10 Chemistry: Substances and Reactions",
        description_zh="同步高中化学必修第一册前两章，系统学习物质分类、离子反应和氧化还原反应，"
        "认识钠、氯及其化合物，建立“物质的量”的概念。",
        description_en="Following the first two chapters of Compulsory Chemistry 1: classifying "
        "substances, ionic and redox reactions, sodium, chlorine and their compounds, and the "
        "concept of amount of substance.",
        stage="senior",
        grade="g10",
        subject="chemistry",
        series="tongbu",
        edition="人教版",
        tags=("化学", "高一", "必修"),
        lessons=_l(
            ("物质的分类及转化", "Classifying and Converting Substances"),
            ("电解质的电离", "Ionisation of Electrolytes"),
            ("离子反应", "Ionic Reactions"),
            ("氧化还原反应", "Redox Reactions"),
            ("钠及其化合物", "Sodium and Its Compounds"),
            ("氯及其化合物", "Chlorine and Its Compounds"),
            ("物质的量", "Amount of Substance"),
        ),
    ),
    DemoCourse(
        key="physics-g10-newton",
        title_zh="名师讲牛顿运动定律",
        title_en="Master Class: Newton's Laws of Motion",
        description_zh="长沙名校物理名师主讲，从伽利略的理想实验讲到牛顿第二定律的应用，"
        "帮助学生建立运动和力的关系。",
        description_en="A leading physics teacher from a top Changsha school goes from "
        "Galileo's thought experiment to applying Newton's second law, helping students see "
        "how force and motion are related.",
        stage="senior",
        grade="g10",
        subject="physics",
        series="sangeketang",
        edition="人教版",
        tags=("物理", "名师课堂", "力学"),
        lessons=_l(
            ("牛顿第一定律", "Newton's First Law"),
            ("探究加速度与力、质量", "Acceleration, Force and Mass"),
            ("牛顿第二定律", "Newton's Second Law"),
            ("力学单位制", "Units in Mechanics"),
            ("牛顿运动定律的应用", "Applying Newton's Laws"),
            ("超重和失重", "Overweight and Weightlessness"),
        ),
    ),
    DemoCourse(
        key="math-g10-functions",
        title_zh="函数的概念与性质",
        title_en="Functions: Concepts and Properties",
        description_zh="用集合语言重新认识函数，学习函数的表示方法，"
        "研究单调性、最值和奇偶性，初识幂函数。",
        description_en="Revisit functions in the language of sets, learn ways to represent "
        "them, study monotonicity, maximum and minimum values and parity, and meet power "
        "functions.",
        stage="senior",
        grade="g10",
        subject="math",
        series="tongbu",
        edition="人教A版",
        tags=("数学", "高一", "函数"),
        lessons=_l(
            ("函数的概念", "The Concept of a Function"),
            ("函数的表示法", "Representing Functions"),
            ("单调性与最大(小)值", "Monotonicity and Extremes"),
            ("函数的奇偶性", "Odd and Even Functions"),
            ("幂函数", "Power Functions"),
        ),
    ),
    DemoCourse(
        key="biology-g11-genes",
        title_zh="生命密码与育种",
        title_en="The Code of Life and Crop Breeding",
        description_zh="从DNA双螺旋讲到基因如何控制性状，再到袁隆平院士培育杂交水稻的故事，"
        "带你了解现代生物技术如何端牢中国人的饭碗。",
        description_en="From the DNA double helix and how genes control traits to the story of "
        "Yuan Longping and hybrid rice, see how modern biotechnology helps keep China fed.",
        stage="senior",
        grade="g11",
        subject="biology",
        series="weilai",
        edition=None,
        tags=("生物", "杂交水稻", "科技前沿"),
        lessons=_l(
            ("DNA的双螺旋结构", "The DNA Double Helix"),
            ("基因如何控制性状", "How Genes Shape Traits"),
            ("杂交育种的原理", "The Principles of Hybrid Breeding"),
            ("袁隆平与杂交水稻", "Yuan Longping and Hybrid Rice"),
            ("太空育种", "Space Breeding"),
            ("基因编辑前沿", "The Frontier of Gene Editing"),
        ),
    ),
    DemoCourse(
        key="history-g10-huxiang-figures",
        title_zh="湖湘英杰与近代中国",
        title_en="Hunan Figures in Modern China",
        description_zh="从魏源“师夷长技以制夷”到谭嗣同、黄兴、蔡锷，"
        "讲述近代湖湘志士救亡图存的历史，体会“心忧天下、敢为人先”的湖湘精神。",
        description_en="From Wei Yuan's call to learn from the West in order to resist it, to Tan "
        "Sitong, Huang Xing and Cai E, the story of how Hunan's patriots fought to save the "
        "nation, and the Hunan spirit of caring for the country and daring to lead.",
        stage="senior",
        grade="g10",
        subject="history",
        series="jiebanren",
        edition=None,
        tags=("湖湘文化", "近代史", "英雄人物"),
        lessons=_l(
            ("魏源与《海国图志》", "Wei Yuan and the Illustrated Treatise"),
            ("左宗棠收复新疆", "Zuo Zongtang Recovers Xinjiang"),
            ("谭嗣同与戊戌变法", "Tan Sitong and the 1898 Reform"),
            ("黄兴与辛亥革命", "Huang Xing and the 1911 Revolution"),
            ("蔡锷与护国运动", "Cai E and the National Protection War"),
        ),
    ),
    DemoCourse(
        key="politics-g11-rule-of-law",
        title_zh="政治与法治",
        title_en="Politics and the Rule of Law",
        description_zh="同步思想政治必修3，理解中国共产党的领导、人民当家作主和依法治国的有机统一。",
        description_en="Following Compulsory Politics 3, understand how the leadership of the "
        "Communist Party of China, the people running the country and law-based governance "
        "form one whole.",
        stage="senior",
        grade="g11",
        subject="politics",
        series="tongbu",
        edition="部编版",
        tags=("思想政治", "法治", "高二"),
        lessons=_l(
            ("中国共产党的领导", "The Leadership of the CPC"),
            ("人民当家作主", "The People Are the Masters"),
            ("人民代表大会制度", "The People's Congress System"),
            ("全面依法治国", "Law-Based Governance"),
        ),
    ),
    DemoCourse(
        key="chinese-g10-youth-poems",
        title_zh="青春的诗篇",
        title_en="Poetry of Youth",
        description_zh="以《沁园春·长沙》领读，走进郭沫若、闻一多、昌耀和雪莱的诗歌，"
        "感受青春的激情与理想。",
        description_en="Led by Qinyuanchun: Changsha, read the poetry of Guo Moruo, Wen Yiduo, "
        "Chang Yao and Shelley and feel the passion and ideals of youth.",
        stage="senior",
        grade="g10",
        subject="chinese",
        series="shuxiang",
        edition="部编版",
        tags=("诗歌", "语文", "高一"),
        lessons=_l(
            ("《沁园春·长沙》", "Qinyuanchun: Changsha"),
            ("《立在地球边上放号》", "Shouting on the Edge of the Earth"),
            ("《红烛》", "Red Candle"),
            ("《峨日朵雪峰之侧》", "Beside the Erriduo Snow Peak"),
            ("《致云雀》", "To a Skylark"),
        ),
    ),
    # ------------------------------------------------------------------ 中职 vocational
    DemoCourse(
        key="skills-v1-urban-rail",
        title_zh="城轨车辆认知",
        title_en="Urban Rail Vehicles",
        description_zh="走进“中国电力机车的摇篮”株洲，认识城轨车辆的受电弓、转向架、"
        "制动和车门系统，了解车辆检修的基本规范。",
        description_en="Visit Zhuzhou, the cradle of China's electric locomotives, to learn "
        "about the pantograph, bogies, brakes and doors of urban rail vehicles and the basic "
        "rules of vehicle maintenance.",
        stage="vocational",
        grade="v1",
        subject="skills",
        series="daguo",
        edition=None,
        tags=("轨道交通", "株洲", "专业技能"),
        lessons=_l(
            ("城市轨道交通概览", "Urban Rail Transit at a Glance"),
            ("株洲：电力机车的摇篮", "Zhuzhou: Cradle of Locomotives"),
            ("受电弓与牵引供电", "Pantographs and Traction Power"),
            ("转向架的构造", "How Bogies Are Built"),
            ("列车制动系统", "Train Braking Systems"),
            ("车门系统检修", "Servicing the Door System"),
            ("列车日常检修规程", "Routine Maintenance Procedures"),
        ),
    ),
    DemoCourse(
        key="skills-v2-construction-machinery",
        title_zh="工程机械操作入门",
        title_en="Construction Machinery Basics",
        description_zh="长沙被誉为“工程机械之都”。课程以挖掘机为例，讲解整机构造、液压原理、"
        "基本操作和安全作业规程。",
        description_en="Changsha is known as the capital of construction machinery. Using the "
        "excavator as an example, the course covers its structure, hydraulics, basic operation "
        "and safe working rules.",
        stage="vocational",
        grade="v2",
        subject="skills",
        series="daguo",
        edition=None,
        tags=("工程机械", "长沙", "专业技能"),
        lessons=_l(
            ("长沙：工程机械之都", "Changsha: Machinery Capital"),
            ("挖掘机的构造", "Inside an Excavator"),
            ("液压系统原理", "How Hydraulics Work"),
            ("挖掘机基本操作", "Basic Excavator Operation"),
            ("安全作业规程", "Safe Working Rules"),
        ),
    ),
    DemoCourse(
        key="skills-v3-craftsmen",
        title_zh="大国工匠故事",
        title_en="Stories of Master Craftsmen",
        description_zh="讲述湘钢焊工艾爱国等大国工匠的成长故事，理解精益求精的工匠精神，"
        "树立技能成才的信心。",
        description_en="The stories of master craftsmen such as Ai Aiguo, a welder at Xiangtan "
        "Iron and Steel, show what the craftsman's pursuit of perfection means and that skills "
        "are a path to success.",
        stage="vocational",
        grade="v3",
        subject="skills",
        series="daguo",
        edition=None,
        tags=("工匠精神", "技能成才", "榜样"),
        lessons=_l(
            ("什么是工匠精神", "What Is Craftsmanship?"),
            ("艾爱国：焊接大师", "Ai Aiguo, Master Welder"),
            ("毫厘之间见真功", "Skill Within a Hair's Breadth"),
            ("从学徒到技能大师", "From Apprentice to Master"),
        ),
    ),
    DemoCourse(
        key="skills-v2-hunan-cuisine",
        title_zh="湘菜烹饪基础",
        title_en="Hunan Cuisine Basics",
        description_zh="湘菜是中国八大菜系之一。课程从刀工和调味讲起，示范辣椒炒肉、剁椒鱼头"
        "等经典湘菜，并强调厨房卫生与安全。",
        description_en="Hunan cuisine is one of China's eight great culinary traditions. Starting "
        "with knife skills and seasoning, the course demonstrates classics such as stir-fried "
        "pork with chillies and fish head with chopped chillies, with a focus on kitchen "
        "hygiene and safety.",
        stage="vocational",
        grade="v2",
        subject="skills",
        series="daguo",
        edition=None,
        tags=("湘菜", "烹饪", "专业技能"),
        lessons=_l(
            ("刀工基本功", "Basic Knife Skills"),
            ("湘菜调味之道", "The Art of Hunan Seasoning"),
            ("辣椒炒肉", "Stir-Fried Pork with Chillies"),
            ("剁椒鱼头", "Fish Head with Chopped Chillies"),
            ("厨房卫生与安全", "Kitchen Hygiene and Safety"),
        ),
    ),
    # ------------------------------------------------------------------ 高校 higher
    DemoCourse(
        key="higher-mental-health",
        title_zh="大学生心理健康",
        title_en="Mental Health for College Students",
        description_zh="帮助大学生适应新环境，处理人际关系和学业压力，在自我探索中做好生涯规划。",
        description_en="Helps university students adjust to a new environment, handle "
        "relationships and academic pressure, and plan their careers through self-discovery.",
        stage="higher",
        grade=None,
        subject="mental",
        series="xinli",
        edition=None,
        tags=("心理健康", "大学生", "生涯规划"),
        lessons=_l(
            ("适应大学新生活", "Adjusting to University Life"),
            ("人际交往与沟通", "Relationships and Communication"),
            ("压力管理与挫折应对", "Managing Stress and Setbacks"),
            ("生涯规划与自我探索", "Career Planning and Self-Discovery"),
        ),
    ),
    DemoCourse(
        key="higher-huxiang-culture",
        title_zh="名校课堂：湖湘文化",
        title_en="University Class: Huxiang Culture",
        description_zh="湖南高校名师主讲，从千年岳麓书院说起，梳理湖湘学派和船山思想，"
        "解读“经世致用”的湖湘文化传统。",
        description_en="Leading scholars from Hunan universities start with the thousand-year-old "
        "Yuelu Academy, trace the Huxiang school and the thought of Wang Fuzhi, and explain "
        "Hunan's tradition of practical learning for the good of society.",
        stage="higher",
        grade=None,
        subject="history",
        series="sangeketang",
        edition=None,
        tags=("湖湘文化", "岳麓书院", "名校课堂"),
        lessons=_l(
            ("千年学府岳麓书院", "Yuelu Academy: A Thousand Years"),
            ("朱张会讲", "The Zhu-Zhang Debates"),
            ("湖湘学派的形成", "Rise of the Huxiang School"),
            ("王夫之与船山学", "Wang Fuzhi and Chuanshan Studies"),
            ("经世致用的传统", "Learning for Practical Use"),
        ),
    ),
    DemoCourse(
        key="higher-ai-literacy",
        title_zh="人工智能通识",
        title_en="AI Literacy",
        description_zh="面向各专业大学生，讲清人工智能的发展历程、机器学习与深度学习的基本原理，"
        "以及大模型时代的伦理与治理问题。",
        description_en="For students of every major: the history of artificial intelligence, the "
        "basic ideas behind machine learning and deep learning, and the ethics and governance "
        "questions of the large-model era.",
        stage="higher",
        grade=None,
        subject="it",
        series="weilai",
        edition=None,
        tags=("人工智能", "通识课", "大模型"),
        lessons=_l(
            ("人工智能简史", "A Short History of AI"),
            ("机器学习入门", "Introduction to Machine Learning"),
            ("神经网络与深度学习", "Neural Networks and Deep Learning"),
            ("大语言模型", "Large Language Models"),
            ("人工智能伦理与治理", "AI Ethics and Governance"),
        ),
    ),
    # ------------------------------------------------------------------ 家庭教育 family
    DemoCourse(
        key="family-good-parents",
        title_zh="好家长必修课",
        title_en="Essentials for Good Parents",
        description_zh="家庭是孩子的第一所学校，父母是孩子的第一任老师。"
        "课程从以身作则、倾听、表扬和陪伴入手，帮助家长营造良好家风。",
        description_en="The family is a child's first school and parents are the first teachers. "
        "Starting with setting an example, listening, praise and time together, the course "
        "helps parents build a good family culture.",
        stage="family",
        grade=None,
        subject="parenting",
        series="jiating",
        edition=None,
        tags=("家庭教育", "亲子沟通", "家风"),
        lessons=_l(
            ("做孩子的好榜样", "Being a Good Role Model"),
            ("学会倾听孩子", "Learning to Listen"),
            ("表扬与批评的艺术", "The Art of Praise and Criticism"),
            ("高质量陪伴", "Quality Time Together"),
            ("一起制定家规", "Making Family Rules Together"),
        ),
    ),
    DemoCourse(
        key="family-teenagers",
        title_zh="陪孩子走过青春期",
        title_en="Parenting Through the Teenage Years",
        description_zh="帮助家长读懂青春期孩子的身心变化，掌握沟通技巧，"
        "和孩子一起约定手机使用规则，理性面对学业压力。",
        description_en="Helps parents understand the physical and emotional changes of "
        "adolescence, communicate better, agree on phone rules with their children, and face "
        "school pressure calmly.",
        stage="family",
        grade=None,
        subject="parenting",
        series="jiating",
        edition=None,
        tags=("家庭教育", "青春期", "亲子沟通"),
        lessons=_l(
            ("读懂青春期变化", "Understanding Adolescence"),
            ("亲子沟通有方法", "Ways to Talk with Your Teen"),
            ("约定手机使用规则", "Agreeing on Phone Rules"),
            ("理性看待学业压力", "Keeping School Pressure in Perspective"),
        ),
    ),
    DemoCourse(
        key="family-reading-together",
        title_zh="亲子共读好时光",
        title_en="Reading Together as a Family",
        description_zh="指导家长挑选适合孩子的绘本和诗词，学会讲好睡前故事，"
        "让阅读成为全家人的好习惯。",
        description_en="Guides parents in choosing picture books and poetry for their children "
        "and telling good bedtime stories, so that reading becomes a habit for the whole "
        "family.",
        stage="family",
        grade=None,
        subject="parenting",
        series="shuxiang",
        edition=None,
        tags=("亲子阅读", "家庭教育", "绘本"),
        lessons=_l(
            ("为什么要亲子共读", "Why Read Together?"),
            ("如何挑选绘本", "Choosing Picture Books"),
            ("和孩子一起读古诗", "Reading Poems with Your Child"),
            ("睡前故事怎么讲", "Telling Bedtime Stories"),
        ),
    ),
)


def validate() -> list[str]:
    """Return human-readable problems in :data:`COURSES` (an empty list when all is well)."""
    problems: list[str] = []
    seen_keys: set[str] = set()
    for index, course in enumerate(COURSES):
        where = f"course #{index} ({course.key!r})"
        if course.key in seen_keys:
            problems.append(f"{where}: duplicate key")
        seen_keys.add(course.key)
        if not KEY_RE.match(course.key):
            problems.append(f"{where}: key is not a slug of [a-z0-9-]")
        for field in ("title_zh", "title_en", "description_zh", "description_en"):
            if not getattr(course, field).strip():
                problems.append(f"{where}: empty {field}")
        if len(course.title_zh) > MAX_COURSE_TITLE_ZH:
            problems.append(
                f"{where}: title_zh has {len(course.title_zh)} characters"
                f" (max {MAX_COURSE_TITLE_ZH})"
            )
        if course.stage not in STAGE_GRADES:
            problems.append(f"{where}: unknown stage {course.stage!r}")
        else:
            grades = STAGE_GRADES[course.stage]
            if grades and course.grade not in grades:
                problems.append(
                    f"{where}: grade {course.grade!r} does not belong to stage {course.stage!r}"
                )
            if not grades and course.grade is not None:
                problems.append(
                    f"{where}: stage {course.stage!r} has no grades but grade is {course.grade!r}"
                )
        if course.subject not in SUBJECTS:
            problems.append(f"{where}: unknown subject {course.subject!r}")
        if course.series not in SERIES:
            problems.append(f"{where}: unknown series {course.series!r}")
        if course.edition is not None and course.edition not in EDITIONS:
            problems.append(f"{where}: unknown edition {course.edition!r}")
        if not MIN_TAGS <= len(course.tags) <= MAX_TAGS:
            problems.append(f"{where}: {len(course.tags)} tags (expected {MIN_TAGS}..{MAX_TAGS})")
        if len(set(course.tags)) != len(course.tags):
            problems.append(f"{where}: duplicate tags")
        if not MIN_LESSONS <= len(course.lessons) <= MAX_LESSONS:
            problems.append(
                f"{where}: {len(course.lessons)} lessons (expected {MIN_LESSONS}..{MAX_LESSONS})"
            )
        seen_titles: set[str] = set()
        for number, lesson in enumerate(course.lessons, start=1):
            if not lesson.title_zh.strip() or not lesson.title_en.strip():
                problems.append(f"{where}: lesson {number} has an empty title")
            if lesson.title_zh in seen_titles:
                problems.append(f"{where}: duplicate lesson title {lesson.title_zh!r}")
            seen_titles.add(lesson.title_zh)
            if len(lesson.title_zh) > MAX_LESSON_TITLE_ZH:
                problems.append(
                    f"{where}: lesson {number} title_zh has {len(lesson.title_zh)} characters"
                    f" (max {MAX_LESSON_TITLE_ZH})"
                )
    return problems
