"""Who appears in the demo day: the carriers, people's and businesses' names, and the
instructions customers leave."""

from __future__ import annotations

# fmt: off
CARRIERS: tuple[tuple[str, str], ...] = (
    ("swift", "Swift Last Mile"),
    ("metro", "Metro Courier Co."),
    ("bluejay", "Bluejay Logistics"),
)

FIRST = (
    "Maria", "James", "Aisha", "Tom", "Dana", "Sam", "Olivia", "Liam", "Emma", "Noah", "Sofia",
    "Mateo", "Ava", "Elijah", "Mia", "Lucas", "Amara", "Ethan", "Chloe", "Daniel", "Priya",
    "Jamal", "Grace", "Diego", "Hannah", "Kenji", "Layla", "Marcus", "Nora", "Omar", "Ruth",
    "Caleb", "Isabel", "Andre", "Leah", "Victor", "Zoe", "Hector", "Maya", "Wei",
)
LAST = (
    "Lopez", "Carter", "Khan", "Nguyen", "Whitfield", "Patel", "Johnson", "Garcia", "Kim",
    "Brown", "Rivera", "Okafor", "Schmidt", "Cohen", "Martinez", "Williams", "Chen", "Davis",
    "Hernandez", "Murphy", "Rossi", "Jackson", "Singh", "Walker", "Torres", "Ali", "Baker",
    "Novak", "Reyes", "Thompson", "Yamamoto", "Brooks", "Diaz", "Foster", "Moreau",
)
BUSINESSES = (
    "Dental Studio", "Coffee Roasters", "Print & Ship", "Family Pharmacy", "Architects LLP",
    "Bike Works", "Pet Clinic", "Florist", "Law Office", "Hardware", "Bakery", "Yoga Loft",
)
INSTRUCTIONS = (
    "Leave with the doorman.",
    "Side door, please; front steps are icy.",
    "Leave behind the planter on the porch.",
    "Ring the bell, dog is friendly.",
    "Please don't leave in the lobby.",
    "Buzz unit, then take the elevator to 4.",
)
# fmt: on
