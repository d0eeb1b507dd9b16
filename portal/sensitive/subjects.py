"""Who a clause is about: a person, or a thing (the labelling guide's hard negatives).

A model-only finding spans the clause that carries it (``scanner._hybrid``). The guide
(``data/GUIDE.md``, "Not sensitive") says a note is sensitive only about an identifiable
person: the building, equipment, animals and organisations are not ("le digicode est
devenu fou", "le perroquet de Mme Roux est malade", "the lift is dead again").
``about_a_thing(clause)`` is a deliberately small rule: a thing of those kinds named in the
clause's first words (its subject), with no person named before it. French and English
put the subject first in a plain clause, so "le chien de M. X est malade" is about the
dog, "M. X a été hospitalisé" about M. X. Possessives ("son chien", "her dog") name no
person on their own. Pure string work, no model.
"""
from __future__ import annotations

from .features import words

# normalised like the model's features (casefold, accents stripped)
THINGS = frozenset("""
immeuble batiment residence cage ascenseur ascenceur digicode interphone radiateur radiateurs chaudiere
chauffage toiture toit portes fenetre fenetres vitre volet volets serrure compteur tuyau tuyaux
canalisation canalisations fuite evier lavabo wc toilettes douche baignoire ballon vmc parking cave caves
hall escalier escaliers palier couloir facade mur murs plafond parquet carrelage prise disjoncteur ampoule
eclairage lumiere minuterie portail grille jardin pelouse arbre arbres poubelle poubelles conteneur
conteneurs ventilation humidite moisissure moisissures infiltration degat degats peinture chantier
entreprise societe association mairie prefecture syndic agence copropriete chien chiens chat chats
chatte chiot perroquet oiseau oiseaux poisson lapin hamster animal animaux rat rats souris cafards
punaises pigeons voiture vehicule scooter velo machine frigo four plaque cumulus robinet fondations
charpente ravalement siphon evacuation
building block lift lifts elevator intercom entryphone radiator radiators boiler heating roof doors
windows lock meter pipe pipes leak sink toilet shower bath extractor garage cellar stairs
stairwell corridor landing wall walls ceiling socket fuse gate garden lawn tree trees bins bin chute
damp mould mold condensation contractor company charity council dog dogs cat cats puppy kitten parrot
bird birds fish rabbit hamster pet pets mice cockroaches bedbugs car van bike fridge oven cooker tap
""".split())

PERSONS = frozenset("""
m mr mme mmes mlle madame monsieur messieurs mesdames locataire locataires il elle ils elles lui eux
fils fille filles mere pere enfant enfants epoux epouse mari femme conjoint conjointe compagnon compagne
voisin voisine voisins voisines famille menage occupant occupante occupants homme dame garcon jeune
jeunes gamin gamins bebe ado adolescent adolescente petit petite frere soeur grand-mere grand-pere
demandeur demandeuse requerant interesse interessee resident residente candidat candidate beneficiaire
concubin concubine on personne quelqu'un gens petit-fils petite-fille neveu niece oncle tante cousin cousine
he she they him them mrs ms miss mister tenant tenants daughter mother father mum mom dad child
children kid kids husband wife partner neighbour neighbor neighbours neighbors family household
resident residents occupant occupants lady man woman guy gentleman boy girl baby brother sister
applicant customer client je j moi nous i we me us you vous tu bloke fella lad lads someone somebody
people grandson granddaughter nephew niece uncle aunt cousin
""".split())


SUBJECT_WORDS = 3  # a subject sits in the first words of a clause ("le toit", "the lift")


def about_a_thing(clause: str) -> bool:
    """True when a thing is named among the clause's first ``SUBJECT_WORDS`` words with
    no person named before it ("Le toit souffre", not "dort sur le palier")."""
    for word in words(clause)[:SUBJECT_WORDS]:
        if word in PERSONS:
            return False
        if word in THINGS:
            return True
    return False
