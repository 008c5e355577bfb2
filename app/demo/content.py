"""The demo site, carried from two real pages of defensepriorities.org (see shared/seeds/).

Plain data only; `app.demo.loader` turns it into rows. People, topics and programs are
referred to by name and slugified there. Where a page shows only a title, the entry
carries only what the page shows: no summary, no body, no words put in anyone's mouth.
"""

from datetime import date

SITE_NAME = "Defense Priorities"
ORGANIZATION = "Defense Priorities"

# Experts, pages and the site carry no date on the seed pages.
UNDATED = date(2023, 1, 1)

MISSION = "Our mission is to inform citizens, thought leaders, and policymakers of the importance of a strong, dynamic military—used more judiciously to protect America’s narrowly defined national interests—and promote a realistic grand strategy prioritizing restraint, diplomacy, and free trade to ensure U.S. security."

SITE = {
    "name": SITE_NAME,
    "mission": MISSION,
    "copyright": "© 2025 Defense Priorities All Right Reserved",
    "newsletter_cta": {
        "heading": "Receive expert foreign policy analysis",
        "subheading": "Join the hub of realism and restraint",
        "body": "Expert updates and analysis to enhance your understanding of vital U.S. national security issues",
        "button_label": None,
    },
}

# Featured topics in the press-release page's "Policy Topics" order, then every other
# topic either page shows, in order of first appearance.
TOPICS = [
    {"name": "Israel-Iran", "featured": True, "position": 1},
    {"name": "Ukraine-Russia", "featured": True, "position": 2},
    {"name": "NATO", "featured": True, "position": 3},
    {"name": "China", "featured": True, "position": 4, "parent": "Asia"},
    {"name": "Syria", "featured": True, "position": 5},
    {"name": "Asia"},
    {"name": "Russia"},
    {"name": "Alliances"},
    {"name": "Military analysis"},
    {"name": "Naval power"},
    {"name": "Taiwan", "parent": "Asia"},
    {"name": "Nuclear weapons"},
    {"name": "Grand strategy"},
    {"name": "Americas"},
    {"name": "Air power"},
    {"name": "Balance of power"},
    {"name": "Global posture"},
    {"name": "Land power"},
    {"name": "North Korea", "parent": "Asia"},
    {"name": "Great power competition"},
    {"name": "Middle East"},
    {"name": "Diplomacy"},
    {"name": "Basing and force posture"},
    {"name": "Burden sharing"},
]

# In the navigation's order.
PROGRAMS = [
    {"name": "Grand Strategy Program", "position": 1},
    {"name": "Military Analysis Program", "position": 2},
    {"name": "Asia Program", "position": 3, "director": "Lyle Goldstein"},
    {"name": "Middle East Program", "position": 4},
]

EXPERTS = [
    {
        "given_name": "Lyle",
        "family_name": "Goldstein",
        "title": "Director, Asia Program",
        "organization": ORGANIZATION,
        "programs": ["Asia Program"],
    },
    {"given_name": "Jennifer", "family_name": "Kavanagh", "organization": ORGANIZATION},
    {"given_name": "Dan", "family_name": "Caldwell", "organization": ORGANIZATION},
    {"given_name": "Gil", "family_name": "Barndollar", "organization": ORGANIZATION},
    {"given_name": "Adam", "family_name": "Gallagher", "organization": ORGANIZATION},
    {"given_name": "Daniel", "family_name": "DePetris", "organization": ORGANIZATION},
]

# The first topic of each article is its primary topic (the breadcrumb).
ARTICLES = [
    {
        "kind": "in-the-media",
        "title": "China’s close ties with Russia are all about China",
        "date": date(2023, 4, 20),
        "topics": ["China", "Asia", "Russia"],
        "featured_experts": ["Lyle Goldstein"],
        "outlet": "The China Project",
        "external_url": "https://thechinaproject.com/",
        "paragraphs": [
            "On the other hand, Goldstein said that the specialists “generally acknowledged that China is quite sympathetic to Russia, due to the fact that Beijing is also facing significant geopolitical and ideological pressure from the West.”",
            "“As a whole, [Beijing] blames NATO expansion for provoking the war. Some Chinese have spoken out critically against Russian aggression, but they have been a small minority,” Goldstein told The China Project.",
            "But China must also balance any sympathies with Russia with mounting pressure from the West. “As one Beijing strategist told me: ‘China will not help Russia win, but it also must prevent it from losing,’” Goldstein added.",
            "“Generally, Chinese leaders grasp that Russia is in a very tough spot, and they are willing to lend a hand to some extent, while still insisting on ‘neutrality’ in order to preserve commercial ties with the West, and particularly Europe,” Goldstein told The China Project.",
            "“Unquestionably, China is in the driver’s seat of this relationship — much more so than in the past,” Goldstein said. “Russia has to grant China greater access to its markets, technology, and resources…But China is, I think, wise enough that it knows it should not overplay its hand.”",
            "But sanctions will likely do little to change Beijing’s approach to Moscow. China has been “laboring under sanctions rules in its relationships with Iran, North Korea, and myriad other countries for decades. Thus, they have a long experience in upholding these economic relationships, while steering clear of the most flagrant violations,” Goldstein told The China Project. “China has enough economic clout and leverage, even with the U.S., that it can make counter threats if Washington is viewed as overzealous in sanctions enforcement.”",
        ],
    },
    {
        "kind": "press-release",
        "title": "China-Russia partnership: Significant but limited",
        "date": date(2023, 3, 20),
        "topics": ["China", "Alliances", "Russia"],
        "authors": ["Lyle Goldstein"],
        "press_contact": {"name": None, "email": "press@defensepriorities.org", "phone": None},
        # The page's non-breaking spaces are kept, written as \u00a0 so they can be seen.
        "paragraphs": [
            "WASHINGTON, DC—Today, Chinese President Xi Jinping arrived in Moscow for a three-day visit where he is meeting with Russian President Vladimir Putin. It is the first such visit since Russia invaded Ukraine last year.\u00a0Defense Priorities Director of Asia Engagement Lyle Goldstein\u00a0issued the following statement in response:",
            "“President Xi Jinping’s state visit to Moscow signals that China will continue its course of gradually improving cooperation with Russia, despite Western pleas to try to isolate the country. This is not really a major change in China’s position, but rather an affirmation of the continuing strength of China-Russia ties. It’s critical to recognize, however, that Beijing has been walking a tight rope with respect to Russia’s invasion of Ukraine. It has not condemned Russia’s actions, but neither has it robustly supported the invasion either, for example by directly supplying finished weapons.",
            "“Washington should recognize that Beijing has acted with a certain amount of restraint amid\u00a0the turmoil of the Ukraine war. Indeed, China could adopt a much more confrontational posture by sending massive amounts of weapons and munitions to Russia or even ‘volunteers’ to go and fight on Russia’s behalf. Such provocative steps remain unlikely since they would go against China’s basic interests, but also depend on a corresponding level of restraint by Washington, including on the most delicate Taiwan question.",
            "“As currently configured, the China-Russia quasi-alliance does not constitute a major national security threat to the United States. Following a course of realism and restraint in East Asia, as well as Eastern Europe, the U.S. can help bring about a China-Russia relationship that remains significant, but still rather limited in its character and not a full alliance. A\u00a0return to the intense Cold War-type atmosphere of the 1950s hardly corresponds to U.S. national interests.”",
        ],
    },
    # "More on Asia" on the in-the-media page.
    {
        "kind": "in-the-media",
        "title": "U.S.-China rivalry sparks a submarine arms race",
        "date": date(2025, 9, 8),
        "topics": ["China", "Asia", "Military analysis", "Naval power"],
        "featured_experts": ["Jennifer Kavanagh"],
    },
    {
        "kind": "in-the-media",
        "title": "As South Korea’s leader meets with Trump, China looms large",
        "date": date(2025, 8, 24),
        "topics": ["Asia", "Taiwan"],
        "featured_experts": ["Jennifer Kavanagh", "Dan Caldwell"],
    },
    {
        "kind": "op-ed",
        "title": "Is an amphibious invasion of Taiwan really imminent?",
        "date": date(2025, 8, 20),
        "topics": ["Taiwan", "Asia", "China"],
        "authors": ["Gil Barndollar"],
    },
    {
        "kind": "in-the-media",
        "title": "Trump shock spurs Japan to think about the unthinkable: nuclear arms",
        "date": date(2025, 8, 20),
        "topics": ["Nuclear weapons", "Asia"],
        "featured_experts": ["Jennifer Kavanagh"],
    },
    {
        "kind": "op-ed",
        "title": "How Trump’s tariffs on India and Brazil could strengthen BRICS",
        "date": date(2025, 8, 19),
        "topics": ["Grand strategy", "Americas", "Asia"],
        "authors": ["Adam Gallagher"],
    },
    {
        "kind": "in-the-media",
        "title": "China’s catastrophic South China Sea crash shows how dangerous high-risk moves at sea can be",
        "date": date(2025, 8, 16),
        "topics": ["China", "Asia", "Taiwan"],
        "featured_experts": ["Lyle Goldstein"],
    },
    # "More on Asia" on the press-release page.
    {
        "kind": "in-the-media",
        "title": "What does China’s military gain from operating 2 aircraft carriers in second island chain?",
        "date": date(2025, 6, 13),
        "topics": [
            "China",
            "Air power",
            "Asia",
            "Balance of power",
            "Global posture",
            "Land power",
            "Naval power",
        ],
        "featured_experts": ["Lyle Goldstein"],
    },
    {
        "kind": "op-ed",
        "title": "Trump’s North Korea Conundrum",
        "date": date(2025, 6, 12),
        "topics": [
            "North Korea",
            "Air power",
            "Asia",
            "Balance of power",
            "Global posture",
            "Land power",
            "Naval power",
        ],
        "authors": ["Daniel DePetris"],
    },
    {
        "kind": "in-the-media",
        "title": "Jennifer Kavanagh on BBC News: Review of AUKUS pact is warranted",
        "date": date(2025, 6, 11),
        "topics": ["Military analysis", "Asia", "Naval power"],
        "featured_experts": ["Jennifer Kavanagh"],
    },
    {
        "kind": "op-ed",
        "title": "US-Korea alliance to change under Lee Jae-myung",
        "date": date(2025, 6, 10),
        "topics": ["Asia"],
        "authors": ["Daniel DePetris"],
    },
    {
        "kind": "op-ed",
        "title": "The US-ROK alliance will change under Lee Jae-myung",
        "date": date(2025, 6, 4),
        "topics": ["Asia"],
        "authors": ["Daniel DePetris"],
    },
    {
        "kind": "op-ed",
        "title": "How big of a threat is China really?",
        "date": date(2025, 6, 3),
        "topics": ["China", "Asia", "Taiwan"],
        "authors": ["Daniel DePetris"],
    },
]

# "Events on China": all virtual and past. "Past Virtual Event: " is the frontend's label.
EVENTS = [
    {
        "title": "U.S.-China competition and the value of Middle East influence",
        "date": date(2025, 6, 10),
        "format": "virtual",
        "topics": [
            "Great power competition",
            "Balance of power",
            "China",
            "Grand strategy",
            "Middle East",
        ],
    },
    {
        "title": "China-Russia: Cooperation or a no-limits alliance?",
        "date": date(2025, 4, 3),
        "format": "virtual",
        "topics": [
            "China",
            "Alliances",
            "Balance of power",
            "Diplomacy",
            "Grand strategy",
            "Russia",
        ],
    },
    {
        "title": "Rethinking U.S. strategy in East Asia: do more bases mean more deterrence?",
        "date": date(2024, 1, 24),
        "format": "virtual",
        "topics": ["Asia", "Basing and force posture", "Burden sharing", "China", "Grand strategy"],
    },
]

# Only the mission has words on the seeds (the footer); the rest are left for editors.
PAGES = [
    {"slug": "about", "title": "About", "paragraphs": []},
    {"slug": "mission", "title": "Mission & Vision", "paragraphs": [MISSION]},
    {"slug": "jobs", "title": "Jobs", "paragraphs": []},
    {"slug": "contact", "title": "Contact", "paragraphs": []},
    {"slug": "privacy", "title": "Privacy Policy", "paragraphs": []},
    {"slug": "terms", "title": "Terms and Conditions", "paragraphs": []},
]

# Frontend paths. Each entry: (label, url, children); a child is (label, url).
MENUS = [
    {
        "slug": "main",
        "name": "Main navigation",
        "items": [
            (
                "Policy Topics",
                "/topics/",
                [
                    ("Israel-Iran", "/topics/israel-iran/"),
                    ("Ukraine-Russia", "/topics/ukraine-russia/"),
                    ("NATO", "/topics/nato/"),
                    ("China", "/topics/china/"),
                    ("Syria", "/topics/syria/"),
                ],
            ),
            (
                "Research",
                "/research/",
                [
                    ("Briefs", "/research/briefs/"),
                    ("Explainers", "/research/explainers/"),
                    ("Reports", "/research/reports/"),
                ],
            ),
            (
                "Programs",
                "/programs/",
                [
                    ("Grand Strategy Program", "/programs/grand-strategy-program/"),
                    ("Military Analysis Program", "/programs/military-analysis-program/"),
                    ("Asia Program", "/programs/asia-program/"),
                    ("Middle East Program", "/programs/middle-east-program/"),
                ],
            ),
            ("Experts", "/experts/", []),
            ("Events", "/events/", []),
            ("Media", "/media/", []),
            (
                "About",
                "/about/",
                [
                    ("Mission & Vision", "/mission/"),
                    ("People", "/people/"),
                    ("Jobs", "/jobs/"),
                    ("Contact", "/contact/"),
                ],
            ),
            ("Donate", "/donate/", []),
        ],
    },
    {
        "slug": "footer",
        "name": "Footer",
        "items": [
            ("About", "/about/", []),
            ("For Media", "/for-media/", []),
            ("Jobs", "/jobs/", []),
            ("Donate", "/donate/", []),
            ("Privacy Policy", "/privacy/", []),
            ("Terms and Conditions", "/terms/", []),
            ("Contact", "/contact/", []),
        ],
    },
]
