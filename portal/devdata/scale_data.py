"""Vocabulary for the synthetic landlord of seed-scale: names, streets, note and incident
wording. Plain data; the sensitive notes mirror PRODUCT.md §1 so that the DPO's queue
and the scanner have realistic work at scale."""

from __future__ import annotations

FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Jade", "Louise", "Alice",
    "Fatima", "Aïcha", "Mariam", "Awa", "Nadia", "Samira", "Yasmine", "Linh", "Mei", "Ana",
    "Sofia", "Olga", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Martine", "Françoise",
    "Thomas", "Lucas", "Hugo", "Nathan", "Louis", "Jules", "Gabriel", "Arthur", "Raphaël",
    "Mohamed", "Karim", "Youssef", "Mamadou", "Moussa", "Ibrahim", "Omar", "Bilal", "Minh",
    "Wei", "João", "Pedro", "Dmitri", "Jean", "Pierre", "Michel", "Philippe", "Alain",
    "Patrick", "Éric", "Stéphane", "Olivier", "Christophe",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Benali", "Haddad", "Belkacem", "Diallo", "Traoré", "Koné", "Camara", "Ndiaye", "Diop",
    "Nguyen", "Tran", "Le", "Chen", "Wang", "Li", "Pereira", "Da Silva", "Ferreira",
    "Santos", "Kowalski", "Ivanov", "Yilmaz", "Demir", "Cohen", "Lévy", "Bensaïd", "Smith",
)
STREETS = (
    "rue de Belleville", "rue des Pyrénées", "boulevard de Ménilmontant", "rue de Bagnolet",
    "avenue Gambetta", "rue d'Avron", "rue de Crimée", "avenue Jean-Jaurès", "rue de Flandre",
    "boulevard Ney", "rue Championnet", "rue Marcadet", "rue Ordener", "rue de Tolbiac",
    "avenue d'Italie", "rue de la Glacière", "boulevard Masséna", "rue Cambronne",
    "rue de Vaugirard", "rue de la Convention", "boulevard Davout", "rue des Orteaux",
    "rue de Charonne", "rue du Faubourg-Saint-Antoine", "rue Oberkampf", "rue de la Roquette",
)
RESIDENCES = (
    "Les Érables", "Les Chênes", "Les Platanes", "Les Marronniers", "Les Glycines", "Les Iris",
    "Les Hortensias", "Les Mimosas", "Les Peupliers", "Les Saules", "Les Bouleaux", "Les Cèdres",
    "Les Magnolias", "Les Camélias", "Les Lavandes", "Les Jonquilles", "Les Violettes",
)
POSTCODES = ("75011", "75012", "75013", "75014", "75015", "75017", "75018", "75019", "75020")
DWELLING_KINDS = (("T1", 28.0), ("T2", 45.0), ("T3", 63.0), ("T4", 78.0), ("T5", 92.0))
KIND_WEIGHTS = (8, 27, 35, 22, 8)
RELATIONS = ("spouse", "son", "daughter", "son", "daughter", "parent", "other")
METHODS = ("direct_debit", "direct_debit", "direct_debit", "transfer", "transfer", "caf", "cheque")

PLAIN_NOTES = (
    "Échéancier accordé : 50 € par mois pendant 10 mois.",
    "Dossier d'enquête SLS complet, reçu dans les délais.",
    "Préfère recevoir les courriers par e-mail.",
    "Absent lors du passage, avis déposé dans la boîte aux lettres.",
    "Attestation d'assurance habitation reçue pour l'année en cours.",
    "Appel reçu au sujet de la régularisation des charges, explications données.",
    "Rendez-vous pris pour l'état des lieux intermédiaire.",
    "Demande de mutation vers un logement plus grand enregistrée.",
    "Relance envoyée pour l'attestation d'assurance.",
    "Visite de contrôle des détecteurs de fumée effectuée.",
    "Le locataire signale un changement de banque pour le prélèvement.",
    "Clés du local vélos remises.",
)
# Wording the guard must catch (PRODUCT.md §1): these notes wait for the DPO.
SENSITIVE_NOTES = (
    "Locataire cardiaque, prévoir un logement en rez-de-chaussée.",
    "Madame est sous chimiothérapie, relancer le dossier plus tard.",
    "Locataire désagréable, toujours à se plaindre.",
    "N'est pas de nationalité française, vérifier le titre de séjour.",
    "Ancien SDF, addiction boisson.",
    "Signalement de violence conjugale par la voisine.",
    "Monsieur est séropositif d'après sa sœur.",
    "Famille musulmane pratiquante, éviter les visites pendant le ramadan.",
)
TECH_INCIDENTS = (
    ("Fuite d'eau sous l'évier", "Fuite sous l'évier de la cuisine, plombier mandaté."),
    ("Chauffage en panne", "Radiateurs froids dans le séjour, entreprise de chauffage relancée."),
    ("Interphone hors service", "L'interphone ne sonne plus dans le logement."),
    ("Détecteur de fumée", "Détecteur de fumée remplacé, pile défectueuse."),
    ("Prise électrique brûlée", "Prise électrique brûlée dans la cuisine, électricien mandaté."),
    ("Volet roulant bloqué", "Volet de la chambre bloqué en position basse."),
    ("Infiltration salle de bain", "Infiltration au plafond de la salle de bain, expertise demandée."),
    ("Ascenseur en panne", "Ascenseur bloqué au 4e étage, ascensoriste prévenu."),
    ("Porte de hall", "La porte du hall ne ferme plus, serrurier commandé."),
)
NEIGHBOUR_INCIDENTS = (
    ("Bruit nocturne", "Plainte pour bruit la nuit ; médiation organisée avec le voisin."),
    ("Encombrants sur le palier", "Encombrants déposés sur le palier, rappel du règlement."),
    ("Stationnement gênant", "Véhicule garé devant le local poubelles."),
)
CORRESPONDENCE = (
    ("out", "letter", "Avis de régularisation des charges", "Régularisation des charges de l'année écoulée."),
    ("in", "email", "Demande d'attestation de loyer", "Pourriez-vous m'envoyer une attestation de loyer ?"),
    ("out", "email", "Votre attestation de loyer", "Veuillez trouver ci-joint votre attestation de loyer."),
    ("out", "letter", "Enquête d'occupation du parc social", "Merci de nous retourner l'enquête avant la fin du mois."),
    ("in", "letter", "Réponse à l'enquête", "Enquête complétée et signée, avec l'avis d'imposition."),
    ("out", "letter", "Rappel de loyer impayé", "Nous n'avons pas reçu votre loyer du mois dernier."),
)
REQUEST_DETAILS = {
    "access": "Je souhaite recevoir une copie de toutes les données me concernant.",
    "rectification": "Mon numéro de téléphone a changé.",
    "erasure": "Je demande l'effacement des notes me concernant.",
    "restriction": "Je conteste l'exactitude de mes revenus déclarés.",
    "portability": "Je souhaite une copie de mes données dans un format réutilisable.",
    "objection": "Je m'oppose à l'envoi de mes coordonnées aux entreprises.",
}
