"""Invented identities: name parts combined at random, places and streets (no real person is copied)."""
from __future__ import annotations

SURNAMES = (
    "MARCHAND", "BERTIN", "LEFÈVRE", "GARNIER", "ROUSSEL", "FAURE", "BRUNEL", "CHEVALIER", "MOREL", "GIRAUD",
    "LACROIX", "PERRIN", "RENAUD", "DUVAL", "BOUCHER", "HÉRAULT", "COLLET", "VASSEUR", "L'ISLE", "D'ARGENCE",
    "DE LA FONTAINE", "SAINT-AMAND", "LEBRETON", "MÉNARD", "POIRIER", "CARON", "BARBIER", "AUBRY", "LEMAÎTRE",
    "PRÉVOST", "TESSIER", "BOYER", "COLIN", "JOLY", "GAUTHIER", "MAILLARD", "NOËL", "ROCHE", "BÉRARD", "FLEURY",
)
FIRST_NAMES = {
    "1": ("Jérôme", "Antoine", "Louis", "Mathieu", "Noël", "Hugo", "Rémi", "Étienne", "Bastien", "Yann",
          "Cédric", "Thibault", "François", "Gaël", "Léon", "Pierre-Marie"),
    "2": ("Hélène", "Claire", "Zoé", "Amélie", "Inès", "Léa", "Maëlle", "Chloé", "Agnès", "Céline",
          "Nadège", "Sophie", "Anaïs", "Gaëlle", "Justine", "Marie-Noëlle"),
}
BIRTH_PLACES = ("Saint-Étienne", "Châlons-en-Champagne", "Besançon", "Quimper", "Évreux", "Pau", "Nîmes",
                "Limoges", "Angoulême", "Roanne", "Orléans", "L'Haÿ-les-Roses", "Montélimar", "Dax")
STREETS = ("rue des Tilleuls", "avenue du Général Leclerc", "chemin de l'Étang", "boulevard Pasteur",
           "impasse des Acacias", "place de la République", "allée des Peupliers", "rue du Moulin")
CITIES = (("69003", "LYON"), ("33000", "BORDEAUX"), ("44000", "NANTES"), ("31000", "TOULOUSE"),
          ("67000", "STRASBOURG"), ("59000", "LILLE"), ("35000", "RENNES"), ("13001", "MARSEILLE"))
COMPANY_WORDS = ("ATELIERS", "BUREAU", "CONSEIL", "INGÉNIERIE", "SERVICES", "LOGISTIQUE", "SOLUTIONS")
COMPANY_NAMES = ("DU VAL D'OR", "DES TROIS RIVIÈRES", "HORIZON", "ALPHA & OMEGA", "DE L'ESTUAIRE", "BOREAL")
JOBS = {
    "01": (("Ingénieur d'études", "388a"), ("Chef de projet informatique", "388b"), ("Responsable financier", "372c")),
    "04": (("Technicien de maintenance", "477b"), ("Assistante de direction", "461d"),
           ("Employé administratif", "543d"), ("Opérateur logistique", "676a")),
}
DEPENDANT_FIRST_NAMES = ("Lucas", "Emma", "Nathan", "Jade", "Théo", "Louise", "Raphaël", "Éloïse")
