"""The demo organisation, Northwind Labs: a realistic roster of about 150 people in 15 teams.

Generated from the lists below with random.Random(seed), so a seed always gives the same people
(no Faker at run time). `load_demo` imports the rows through roster_import, like an HR upload.
Shape: a Leadership team led by the CEO (the only person without a manager); each team's lead
reports to the lead of the parent team; everyone else reports to their own team's lead.
"""

import csv
import io
import random
import unicodedata
from dataclasses import dataclass

DEMO_SLUG = "demo"
DEMO_NAME = "Northwind Labs"
DEMO_SEED = 7
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo logins on purpose
EMAIL_DOMAIN = "northwind.example"
COLUMNS = (
    "email",
    "name",
    "team",
    "parent_team",
    "manager_email",
    "title",
    "role",
    "employee_id",
    "location",
    "start_year",
    "level",
)
# The team whose lead and first employee get demo logins.
DEMO_LOGIN_TEAM = "Platform"

# Title prefixes per seniority step (junior, mid, senior, staff) for each kind of career ladder.
LADDERS = {
    "eng": ("Junior ", "", "Senior ", "Staff "),
    "ic": ("Associate ", "", "Senior ", "Principal "),
    "ops": ("Junior ", "", "Senior ", "Lead "),
    "none": ("", "", "", ""),
}
SENIORITY = ("junior", "mid", "senior", "staff")
SENIORITY_WEIGHTS = (2, 5, 4, 1)
START_YEARS = {  # (first, last) plausible start year by level; the company was founded in 2014
    "junior": (2023, 2025),
    "mid": (2019, 2025),
    "senior": (2016, 2024),
    "staff": (2014, 2021),
    "manager": (2015, 2022),
    "vp": (2014, 2020),
    "executive": (2014, 2014),
}


@dataclass(frozen=True)
class TeamPlan:
    name: str
    parent: str  # "" for the top of the tree
    size: int  # people in the team, lead included
    lead_title: str
    families: tuple[tuple[str, str, int], ...]  # (job, ladder, weight) for the other members
    offices: tuple[tuple[str, int], ...]  # (location, weight)
    fixed: tuple[tuple[str, str, str], ...] = ()  # (title, role, level) given first, in order


# team | parent team | people, lead included | the lead's title | offices with weights
TEAM_TABLE = """
Leadership       |             |  3 | Chief Executive Officer      | London 1
Engineering      | Leadership  |  8 | VP Engineering               | Berlin 3, Lisbon 1, Remote 1
Platform         | Engineering | 15 | Platform Engineering Manager | Berlin 4, Remote 2, Lisbon 1
Mobile           | Engineering | 12 | Mobile Engineering Manager   | Lisbon 4, Remote 1, Berlin 1
Data             | Engineering | 13 | Head of Data                 | Berlin 2, Bangalore 2, Remote 1
Payments         | Engineering | 11 | Payments Engineering Manager | Bangalore 3, London 2
Product          | Leadership  |  9 | VP Product                   | London 2, Berlin 2, Toronto 1
Design           | Product     |  8 | Head of Design               | Lisbon 2, Berlin 2, Remote 1
Sales            | Leadership  | 18 | VP Sales                     | London 3, Toronto 3, Berlin 1
Customer Success | Sales       | 15 | Head of Customer Success     | Toronto 3, Lisbon 2, London 1
Marketing        | Leadership  |  9 | VP Marketing                 | London 3, Toronto 1
Growth           | Marketing   |  8 | Head of Growth               | Berlin 2, Remote 2
Operations       | Leadership  |  7 | VP Operations                | London 2, Berlin 1
Finance          | Operations  |  7 | Head of Finance              | London 3, Lisbon 1
People           | Leadership  |  7 | VP People                    | Berlin 2, London 2
"""
# The other members' jobs as "job/ladder/weight", drawn by weight after the fixed members.
JOBS = {
    "Engineering": "Security Engineer/eng/2; QA Engineer/eng/2; Technical Program Manager/ic/1",
    "Platform": "Backend Engineer/eng/3; Site Reliability Engineer/eng/2; DevOps Engineer/eng/1",
    "Mobile": "iOS Engineer/eng/2; Android Engineer/eng/2; QA Engineer/eng/1",
    "Data": (
        "Data Engineer/eng/2; Data Scientist/ic/2; Analytics Engineer/eng/1; "
        "Machine Learning Engineer/eng/1"
    ),
    "Payments": (
        "Backend Engineer/eng/3; Frontend Engineer/eng/1; Payments Operations Analyst/ic/1"
    ),
    "Product": "Product Manager/ic/3; Product Analyst/ic/1",
    "Design": "Product Designer/ic/3; UX Researcher/ic/1; Content Designer/ic/1",
    "Sales": (
        "Account Executive/ic/3; Sales Development Representative/none/2; Sales Engineer/ic/1"
    ),
    "Customer Success": (
        "Customer Success Manager/ic/3; Support Specialist/ops/2; Implementation Consultant/ic/1"
    ),
    "Marketing": (
        "Product Marketing Manager/ic/2; Content Marketer/ops/1; Brand Designer/ic/1; "
        "Events Manager/none/1"
    ),
    "Growth": (
        "Growth Marketer/ops/2; Performance Marketing Manager/ic/1; Marketing Analyst/ic/1; "
        "SEO Specialist/ops/1"
    ),
    "Operations": (
        "Business Operations Analyst/ic/2; Office Manager/none/1; IT Support Specialist/ops/1; "
        "Legal Counsel/ic/1"
    ),
    "Finance": "Financial Analyst/ic/2; Accountant/ops/2; Payroll Specialist/none/1",
    "People": (
        "Recruiter/ops/2; Learning & Development Specialist/ops/1; "
        "People Operations Coordinator/none/1"
    ),
}
# Members with a set title, role and level, placed right after the lead.
FIXED = {
    "Leadership": (
        ("Chief of Staff", "employee", "senior"),
        ("Executive Assistant", "employee", "mid"),
    ),
    "Engineering": (("Principal Engineer", "employee", "staff"),),
    "People": (
        ("HR Business Partner", "hr", "senior"),
        ("People Operations Manager", "hr", "senior"),
    ),
}


def _team_plans() -> tuple[TeamPlan, ...]:
    plans = []
    for line in TEAM_TABLE.strip().splitlines():
        name, parent, size, lead_title, offices = (cell.strip() for cell in line.split("|"))
        jobs = [job.split("/") for job in JOBS.get(name, "").split(";") if job.strip()]
        plans.append(
            TeamPlan(
                name=name,
                parent=parent,
                size=int(size),
                lead_title=lead_title,
                families=tuple((job.strip(), ladder, int(weight)) for job, ladder, weight in jobs),
                offices=tuple(
                    (office.rsplit(" ", 1)[0].strip(), int(office.rsplit(" ", 1)[1]))
                    for office in offices.split(",")
                ),
                fixed=FIXED.get(name, ()),
            )
        )
    return tuple(plans)


TEAMS = _team_plans()

# First and family names by naming tradition; a person's tradition is drawn from their office.
NAMES = {
    "english": (
        "Oliver, Amelia, Harry, Isla, Jack, Grace, Thomas, Chloe, James, Emily, Samuel, Hannah, "
        "Daniel, Lucy, Michael, Sarah, Ethan, Megan, Noah, Olivia, Liam, Rachel",
        "Smith, Walker, Hughes, Bennett, Clarke, Turner, Murphy, O'Connor, Campbell, Fletcher, "
        "Harrison, Morgan, Reid, Foster, Mitchell, Quinn, Brooks, Hayes, Ward, Sullivan, Doyle",
    ),
    "germanic": (
        "Lukas, Anna, Jonas, Lea, Felix, Marie, Maximilian, Sophie, Jan, Lena, Sven, Ingrid, "
        "Lars, Freja, Mats, Astrid, Daan, Sanne, Niels, Femke, Katharina, Moritz",
        "Müller, Schmidt, Becker, Hoffmann, Wagner, Schulz, Krüger, van Dijk, de Vries, Jansen, "
        "Bakker, Lindqvist, Andersson, Johansson, Nielsen, Sørensen, Hansen, Berg, Vogel, Keller",
    ),
    "iberian": (
        "Sofía, Mateo, Lucía, Diego, Valentina, Santiago, Camila, João, Inês, Tiago, Beatriz, "
        "Rafael, Mariana, Pedro, Carolina, Gabriel, Ana, Miguel, Andrés, Marta",
        "García, Fernández, Martínez, López, Rodríguez, Silva, Santos, Oliveira, Costa, Pereira, "
        "Ferreira, Almeida, Moreno, Navarro, Herrera, Castillo, Vargas, Mendes, Ribeiro, Torres",
    ),
    "french": (
        "Camille, Louis, Chloé, Hugo, Manon, Antoine, Léa, Mathis, Élodie, Baptiste, Margaux, "
        "Théo, Inès, Julien, Amandine, Nicolas",
        "Martin, Bernard, Dubois, Lefèvre, Moreau, Laurent, Girard, Rousseau, Fontaine, Chevalier, "
        "Mercier, Blanc, Garnier, Faure",
    ),
    "italian": (
        "Giulia, Marco, Francesca, Luca, Chiara, Matteo, Elena, Alessandro, Sara, Lorenzo, "
        "Federica, Davide, Martina, Simone",
        "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Conti, "
        "Gallo, De Luca, Fontana",
    ),
    "eastern_european": (
        "Jakub, Zofia, Piotr, Katarzyna, Tomasz, Agnieszka, Łukasz, Magdalena, Oleksandr, Olena, "
        "Dmytro, Iryna, Taras, Oksana, Andrei, Ioana, Mihai, Alina, Bogdan, Roxana",
        "Nowak, Wójcik, Kaczmarek, Mazur, Krawczyk, Zając, Wieczorek, Shevchenko, Bondarenko, "
        "Kovalenko, Tkachenko, Melnyk, Boyko, Popescu, Ionescu, Dumitru, Munteanu, Stan",
    ),
    "south_asian": (
        "Aarav, Priya, Rohan, Ananya, Vikram, Kavya, Arjun, Diya, Rahul, Sneha, Karthik, Meera, "
        "Aditya, Nisha, Siddharth, Pooja, Varun, Lakshmi, Nikhil, Shreya",
        "Sharma, Patel, Iyer, Reddy, Nair, Gupta, Mehta, Rao, Kapoor, Desai, Menon, Bose, "
        "Chatterjee, Kulkarni, Joshi, Pillai, Krishnan, Banerjee",
    ),
    "chinese": (
        "Wei, Jing, Hao, Xin, Yu, Mei, Jun, Lin, Chen, Yan, Bo, Xiu",
        "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun",
    ),
    "japanese": (
        "Haruto, Yui, Sota, Aoi, Ren, Hina, Takumi, Sakura, Kenji, Yuki",
        "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Nakamura, Kobayashi, Yamamoto, Mori",
    ),
    "korean": (
        "Min-jun, Seo-yeon, Ji-ho, Ha-eun, Do-yun, Ji-woo, Seung-hyun, Soo-ah",
        "Kim, Lee, Park, Choi, Jung, Kang, Yoon, Han",
    ),
    "west_african": (
        "Chinedu, Ngozi, Emeka, Adaeze, Tunde, Folake, Kwame, Ama, Kofi, Abena, Oluwaseun, "
        "Yetunde, Ifeanyi, Chiamaka, Kwabena, Efua",
        "Okafor, Adeyemi, Okonkwo, Balogun, Mensah, Asante, Boateng, Owusu, Eze, Nwosu, Adebayo, "
        "Ogunleye",
    ),
    "arabic": (
        "Omar, Layla, Youssef, Nour, Karim, Yasmin, Hassan, Leila, Tariq, Rania, Samir, Dina",
        "Haddad, Khalil, Mansour, Nasser, Saleh, Farouk, Aziz, Hamdan, Khoury, Sabbagh",
    ),
    "turkish": (
        "Emre, Elif, Mehmet, Zeynep, Can, Ayşe, Burak, Selin, Murat, Deniz",
        "Yılmaz, Kaya, Demir, Şahin, Çelik, Aydın, Öztürk, Arslan, Doğan, Koç",
    ),
    "vietnamese": (
        "Minh, Linh, Huy, Thảo, Duc, Trang, Quang, Hoa, Tuan, Mai",
        "Nguyen, Tran, Le, Pham, Hoang, Vu, Dang, Bui, Do, Ngo",
    ),
}
EVERYONE = tuple((tradition, 1) for tradition in NAMES)
OFFICE_NAMES = {  # (tradition, weight) for people based in each office
    "Berlin": (
        ("germanic", 8),
        ("eastern_european", 3),
        ("turkish", 2),
        ("english", 1),
        ("french", 1),
        ("italian", 1),
        ("iberian", 1),
        ("arabic", 1),
        ("vietnamese", 1),
        ("south_asian", 1),
    ),
    "Lisbon": (
        ("iberian", 8),
        ("french", 1),
        ("italian", 1),
        ("english", 1),
        ("west_african", 1),
        ("germanic", 1),
        ("south_asian", 1),
    ),
    "London": (
        ("english", 6),
        ("south_asian", 2),
        ("west_african", 2),
        ("italian", 1),
        ("french", 1),
        ("eastern_european", 1),
        ("chinese", 1),
        ("arabic", 1),
    ),
    "Toronto": (
        ("english", 5),
        ("chinese", 2),
        ("south_asian", 2),
        ("korean", 1),
        ("vietnamese", 1),
        ("french", 1),
        ("arabic", 1),
        ("iberian", 1),
    ),
    "Bangalore": (("south_asian", 1),),
    "Remote": EVERYONE,
}
# Letters that do not decompose into ASCII plus an accent.
ASCII_LETTERS = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "ı": "i", "æ": "ae", "đ": "d"})


def demo_roster_rows(seed: int = DEMO_SEED) -> list[dict[str, str]]:
    """The demo roster as rows keyed by COLUMNS, in team order with each lead first."""
    rng = random.Random(seed)
    used_emails: set[str] = set()
    lead_email: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    for plan in TEAMS:
        manager = lead_email.get(plan.parent, "")
        level = (
            "executive" if not plan.parent else "vp" if plan.parent == "Leadership" else "manager"
        )
        lead = _person(rng, plan, used_emails, plan.lead_title, "lead", level, manager)
        lead_email[plan.name] = lead["email"]
        rows.append(lead)
        for index in range(plan.size - 1):
            if index < len(plan.fixed):
                title, role, level = plan.fixed[index]
            else:
                title, level = _member_title(rng, plan)
                role = "employee"
            rows.append(_person(rng, plan, used_emails, title, role, level, lead["email"]))
    # Employee numbers follow the order people joined in.
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["start_year"], i))
    for number, index in enumerate(order, start=1001):
        rows[index]["employee_id"] = f"NW-{number}"
    return rows


def demo_roster_csv(seed: int = DEMO_SEED) -> bytes:
    """The demo roster as a UTF-8 CSV file, as HR would upload it."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(demo_roster_rows(seed))
    return out.getvalue().encode("utf-8")


def demo_login_emails(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(role, e-mail) of the three demo logins: an HR person, a team lead, one of their team."""
    hr = next(row for row in rows if row["role"] == "hr")
    lead = next(row for row in rows if row["team"] == DEMO_LOGIN_TEAM and row["role"] == "lead")
    member = next(
        row
        for row in rows
        if row["manager_email"] == lead["email"]
        and row["team"] == DEMO_LOGIN_TEAM
        and row["role"] == "employee"
    )
    return [("hr", hr["email"]), ("lead", lead["email"]), ("employee", member["email"])]


def _person(rng, plan, used_emails, title, role, level, manager_email) -> dict[str, str]:
    location = _weighted(rng, plan.offices)
    tradition = _weighted(rng, OFFICE_NAMES[location])
    first_names, last_names = (_names(text) for text in NAMES[tradition])
    while True:
        first, last = rng.choice(first_names), rng.choice(last_names)
        email = f"{_ascii(first)}.{_ascii(last)}@{EMAIL_DOMAIN}"
        if email not in used_emails:
            break
    used_emails.add(email)
    first_year, last_year = START_YEARS[level]
    return {
        "email": email,
        "name": f"{first} {last}",
        "team": plan.name,
        "parent_team": plan.parent,
        "manager_email": manager_email,
        "title": title,
        "role": role,
        "employee_id": "",
        "location": location,
        "start_year": str(rng.randint(first_year, last_year)),
        "level": level,
    }


def _member_title(rng, plan) -> tuple[str, str]:
    job, ladder, _ = rng.choices(plan.families, weights=[f[2] for f in plan.families])[0]
    step = rng.choices(range(len(SENIORITY)), weights=SENIORITY_WEIGHTS)[0]
    return LADDERS[ladder][step] + job, SENIORITY[step]


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",")]


def _ascii(name: str) -> str:
    """'Łukasz' -> 'lukasz', "O'Connor" -> 'oconnor', 'van Dijk' -> 'vandijk'."""
    decomposed = unicodedata.normalize("NFKD", name.lower().translate(ASCII_LETTERS))
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "-"))
