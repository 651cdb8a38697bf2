"""The name lists and the reasons parents give that the generator draws from: common British names, no real person."""

from __future__ import annotations


BOYS = (
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie", "Jacob",
    "Thomas", "Henry", "William", "Freddie", "Alfie", "Theodore", "Archie", "Joshua", "James", "Isaac", "Lucas",
    "Ethan", "Alexander", "Max", "Samuel", "Joseph", "Logan", "Mason", "Daniel", "Finley", "Teddy", "Tommy",
    "Reggie", "Albie", "Ronnie", "Riley", "Dylan", "Harrison", "Adam", "Ibrahim", "Yusuf", "Zayn", "Ayaan",
    "Kai", "Rory", "Ellis", "Callum", "Lewis", "Jude", "Elijah", "Luca", "Louie", "Hugo", "Sebastian",
    "Frankie", "Carter", "Liam", "Jakub", "Filip", "Kacper", "Arjun", "Aarav", "Kofi", "Tobias", "Edward",
    "Benjamin", "Matthew", "Nathan", "Owen", "Reuben", "Stanley", "Jenson", "Bobby", "Cameron", "Connor",
    "Dexter", "Eli", "Felix", "Gabriel", "Hamza", "Ismail", "Jayden", "Kian", "Mohammed", "Rhys", "Ryan",
)


GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Lily", "Freya", "Ivy", "Florence", "Mia", "Isabella", "Sophia",
    "Grace", "Poppy", "Evie", "Ella", "Willow", "Rosie", "Elsie", "Sophie", "Daisy", "Emily", "Phoebe",
    "Harper", "Sienna", "Matilda", "Evelyn", "Millie", "Ruby", "Erin", "Esme", "Aria", "Maya", "Hallie",
    "Bonnie", "Layla", "Maisie", "Luna", "Hannah", "Charlotte", "Darcie", "Holly", "Imogen", "Chloe",
    "Jessica", "Scarlett", "Eliza", "Aisha", "Maryam", "Zara", "Amira", "Fatima", "Hafsa", "Zainab", "Priya",
    "Anaya", "Oliwia", "Zuzanna", "Amara", "Chioma", "Nia", "Ffion", "Niamh", "Orla", "Caitlin", "Zoë",
    "Megan", "Lola", "Penelope", "Elizabeth", "Abigail", "Beatrice", "Clara", "Edie", "Georgia", "Heidi",
    "Iris", "Lucy", "Martha", "Nancy", "Robyn", "Summer", "Thea", "Violet",
)


NICKNAMES = {
    "Alexander": "Alex", "Oliver": "Ollie", "Thomas": "Tom", "Joshua": "Josh", "Samuel": "Sam", "Joseph": "Joe",
    "Daniel": "Danny", "Theodore": "Theo", "Sebastian": "Seb", "Benjamin": "Ben", "Matthew": "Matt",
    "Edward": "Ted", "William": "Billy", "Isabella": "Bella", "Charlotte": "Lottie", "Matilda": "Tilly",
    "Florence": "Flo", "Jessica": "Jess", "Elizabeth": "Libby", "Abigail": "Abi", "Penelope": "Penny",
    "Georgia": "Georgie", "Beatrice": "Bea", "Tobias": "Toby", "Gabriel": "Gabe",
}


WOMEN = (
    "Sarah", "Laura", "Emma", "Rebecca", "Gemma", "Claire", "Rachel", "Hannah", "Amy", "Lisa", "Kelly",
    "Nicola", "Stacey", "Jodie", "Kirsty", "Danielle", "Leanne", "Michelle", "Katie", "Charlotte", "Jennifer",
    "Victoria", "Lauren", "Natalie", "Samantha", "Zoe", "Joanne", "Hayley", "Amanda", "Louise", "Fatima",
    "Nadia", "Shazia", "Ayesha", "Agnieszka", "Joanna", "Anita", "Grace", "Blessing", "Siân", "Renée",
    "Helen", "Kerry", "Stephanie", "Jade", "Chelsea", "Sophie", "Holly", "Naomi", "Ruth",
)


MEN = (
    "David", "Michael", "Christopher", "James", "Daniel", "Paul", "Mark", "Andrew", "Richard", "Matthew",
    "Steven", "Craig", "Lee", "Gary", "Jamie", "Ryan", "Adam", "Thomas", "Scott", "Dean", "Carl", "Stuart",
    "Gavin", "Neil", "Robert", "Simon", "Kevin", "Imran", "Tariq", "Asif", "Piotr", "Tomasz", "Marek",
    "Emeka", "Kwame", "Rhys", "Sean", "Jonathan", "Nathan", "Liam", "Ben", "Joe", "Wayne", "Darren",
)


OLDER_WOMEN = (
    "Susan", "Linda", "Margaret", "Patricia", "Christine", "Carol", "Janet", "Elaine", "Pauline", "Sandra",
    "Brenda", "Maureen", "Shirley", "Jean", "Barbara", "Karen", "Julie", "Denise", "Gillian", "Lorraine",
)


OLDER_MEN = (
    "John", "Peter", "Alan", "Brian", "Keith", "Colin", "Graham", "Ian", "Malcolm", "Trevor", "Kenneth",
    "Derek", "Raymond", "Stephen", "Philip", "Martin", "Geoffrey", "Barry", "Terry", "Anthony",
)


SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
    "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Cox", "Morgan", "Moore", "Martin",
    "Price", "Bell", "Turner", "Hughes", "Harris", "Scott", "Young", "Allen", "King", "Baker", "Carter",
    "Cooper", "Hill", "Ward", "Morris", "Watson", "Kelly", "Murphy", "O'Brien", "Armstrong", "Charlton",
    "Robson", "Milburn", "Dodds", "Elliott", "Forster", "Nixon", "Ridley", "Storey", "Anderson", "Graham",
    "Henderson", "Laidler", "Hussain", "Ali", "Ahmed", "Singh", "Shah", "Sharma", "Nowak", "Mazur",
    "Kaczmarek", "Okafor", "Mensah", "Adeyemi", "Osei", "Chen", "Nguyen", "Da Silva", "Costa", "Popescu",
    "Kaya", "Fletcher", "Gibson", "Hudson", "Lambert", "Marshall", "Pearson", "Reid", "Stewart", "Wallace",
    "Fenwick", "Hetherington", "Tait", "Bell-Jones", "MacDonald", "Campbell", "Byrne", "Doyle",
)


TREES = (
    "Oak", "Ash", "Willow", "Rowan", "Hazel", "Birch", "Beech", "Elm", "Maple", "Cedar", "Holly", "Alder",
    "Hawthorn", "Chestnut", "Juniper", "Larch", "Pine", "Sycamore", "Yew", "Aspen", "Cherry", "Poplar",
    "Linden", "Spruce", "Walnut", "Hornbeam", "Elder", "Blackthorn", "Whitebeam", "Magnolia",
)


TEACHER_INITIALS = "ABCDEFGHJKLMNPRSTW"


ILLNESS = (
    "Sickness bug", "High temperature", "Cold and cough", "Tonsillitis", "Ear infection", "Chickenpox",
    "Headache", "Stomach ache", "Flu", "Hand, foot and mouth", "Conjunctivitis", "Parent phoned: unwell",
    "Parent reported through the portal: unwell", "",
)


LONG_ILLNESS = ("Hospital stay", "Broken leg: hospital then home", "Glandular fever")


APPOINTMENTS = (
    "Dentist", "GP appointment", "Hospital appointment", "Orthodontist", "Optician", "Audiology appointment",
    "Speech and language therapy", "CAMHS appointment",
)


UNAUTHORISED = ("No reason given", "Reason not accepted", "Overslept", "Family day out", "Birthday",
                "No contact from home", "")


HOLIDAY_REFUSED = ("Holiday: leave refused", "Holiday: no request made", "Holiday abroad: leave refused")


LEAVE_GRANTED = ("Leave granted: family funeral abroad", "Leave granted: family wedding",
                 "Leave granted: serious family illness")


# Days set apart for religious observance in 2025-26 and 2026-27 (dates of the main festival day; Eid dates
# depend on the moon and are given as commonly announced in the UK).
FESTIVALS = (
    ("Eid al-Fitr", ("2026-03-20", "2027-03-10")),
    ("Eid al-Adha", ("2025-06-06", "2026-05-27", "2027-05-17")),
    ("Diwali", ("2025-10-20", "2026-11-09")),
    ("Vaisakhi", ("2026-04-14", "2027-04-14")),
    ("Yom Kippur", ("2025-10-02", "2026-09-21")),
)


# A family name's language, for the preferred_language the MIS holds (the half-termly message goes out in it):
# decided by the name, not drawn at random, so every other figure of a seed stays the same.
LANGUAGE_OF_SURNAME = {"Nowak": "Polish", "Mazur": "Polish", "Kaczmarek": "Polish", "Popescu": "Romanian"}
