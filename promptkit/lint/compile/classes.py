"""Decide the linter's word classes from WordNet and write ``data/wordnet.tsv``.

Every class is a WordNet property, never a list of words:

* verbs: each sense's lexicographer file (verb.motion, verb.contact, verb.change, verb.body,
  verb.weather, verb.competition, verb.perception, verb.stative, ...). Body and contact senses
  glossed as a state ("be seated", "be dressed in", "have in one's hands") and their direct
  hyponyms (perch, lounge) are postures, and every hyponym of "emit light", "reflect light" or
  "radiate" (shine, glow, twinkle, sparkle) is light, not motion; hyponyms of "make a
  sound" are sound. A lemma takes the class with the most weight over its senses, weighting
  each sense by its count in WordNet's tagged concordances (``cntlist.rev``) plus a small
  prior for sense order, so "sit" is a posture and "walk" is motion. WordNet's sentence
  frames ("Somebody ----s something", "Something ----s") restrict the senses a subject
  allows: when none of the main class's senses takes a person (or a thing) as subject, the
  class for that subject comes from the senses that do ("stretch": a state of things, the
  body for a person).
* nouns: the class with the most weight over the senses decides (tagged counts plus a prior
  for sense order); natural motion needs two thirds of the weight ("rain" is mostly falling
  rain, "snow" is as often the layer on the ground). Natural motion (precipitation, wind,
  storms, fire, flowing and surging water, crowds and traffic: the environmental motion of
  PROMPTING.md §2 S5 and of the labelling rules) is every hyponym of a few root synsets;
  an act or event noun derived from a motion-class verb ("a race", "a stroll", "a yawn") is
  an event, and so is every sport, exercise and dance; light sources and light are light, and
  times of day are daytime (both are lighting); art movements, graphic arts, photography and
  film are style; a noun that can name a person or an animal is animate;
  ways, land forms and structures are places (they cannot move).
* adjectives: every WordNet adjective is descriptive, except the evaluative clusters (the
  satellites of beautiful, good, nice, pleasant, impressive, ...: PROMPTING.md §4, S1's weak
  descriptors are judgements, not visible properties) and the adjectives whose attribute is
  light (bright, dark, dim, sunlit), which describe lighting.
* compounds: WordNet's two- and three-word nouns ("swimming pool", "fire hydrant").
* forms: every inflection of every verb and of every classed noun, from lemminflect (and
  WordNet's own exception lists), so the runtime never strips suffixes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from promptkit.lint.compile.wordnet import Synset, WordNet
from promptkit.lint.lexicon import PARTICLES
from promptkit.lint.table import write

# Glosses of a state: "be seated", "have in one's hands", "not move; be in a resting position".
STATE_GLOSS = re.compile(r"^(?:be|have|not move)\b")
STATE_GLOSS_FILES = frozenset({"verb.body", "verb.contact"})
# Root synsets (WordNet 3.0 offsets, checked by lemma and gloss at build time).
LIGHT_VERB = [
    ("shine", "v", "emit light"),
    ("reflect", "v", "be bright by reflecting or casting light"),
    ("radiate", "v", "cause to be seen by emitting light"),
]
SOUND_VERB = [
    ("sound", "v", "make a certain noise or sound"),
    ("sound", "v", "give off a certain sound"),
    ("make_noise", "v", "emit a noise"),
    ("sound", "v", "cause to sound"),
]
ANIMATE_NOUNS = [
    ("person", "n", "a human being"),
    ("animal", "n", "a living organism characterized by voluntary movement"),
    ("social_group", "n", "people sharing some social relation"),
    ("people", "n", "(plural) any group of human beings"),
]
MOTION_NOUNS = [
    ("precipitation", "n", "the falling to earth of any form of water"),
    ("wind", "n", "air moving"),
    ("storm", "n", "a violent weather condition"),
    ("fire", "n", "the event of something burning"),
    ("flame", "n", "the process of combustion"),
    ("wave", "n", "one of a series of ridges that moves"),
    ("waterfall", "n", "a steep descent of the water"),
    ("rapid", "n", "a part of a river where the current is very fast"),
    ("current", "n", "a steady flow of a fluid"),
    ("traffic", "n", "the aggregation of things"),
    ("crowd", "n", "a large number of things or people"),
    ("explosion", "n", "a violent release of energy"),
]
# Ways, land forms and structures cannot move: a motion verb whose subject is one describes
# its shape ("a winding road", "the path runs along the river", "mountains rise above the
# lake"): fictive motion (Talmy), not motion on screen.
PLACE_NOUNS = [
    ("way", "n", "any artifact consisting of a road or path"),
    ("path", "n", "a line or route along which something travels"),
    ("geological_formation", "n", "(geology) the geological features"),
    ("building", "n", "a structure that has a roof and walls"),
    ("bridge", "n", "a structure that allows people or vehicles to cross"),
    ("wall", "n", "an architectural partition"),
    ("fence", "n", "a barrier that serves to enclose"),
]
# Bodies of water are places whose water moves: a verb describes a river's course only in a
# stative sense that is attested ("a river winding through the valley"), not in a rare one
# ("flows": "the champagne flowed"); see ``verb_class``.
WATER_NOUNS = [("body_of_water", "n", "the part of the earth's surface covered with water")]
# Still images and images fixed on a surface: what they show does not move ("a sign featuring
# a picture of children walking", "a mural of dancers"). Films and videos are not among them.
DEPICTION_NOUNS = [
    ("representation", "n", "a creation that is a visual or tangible rendering"),
    ("graphic_art", "n", "the arts of drawing"),
    ("sculpture", "n", "a three-dimensional work"),
    ("artwork", "n", "photographs or other visual"),
    ("sign", "n", "a public display of a message"),
    ("signboard", "n", "structure displaying a board"),
]
DEPICTION_FILES = frozenset({"noun.artifact", "noun.communication"})
# Nouns of qualities, states, feelings, ideas and relations name nothing that can move: a
# scene "adding a burst of color" or "highlighting the contrast" acts on no visible thing.
ABSTRACT_FILES = frozenset(
    {"noun.attribute", "noun.cognition", "noun.feeling", "noun.state", "noun.relation"}
)
# Acts of physical exertion are motion even without a verb ("a person doing archery").
EXERTION_NOUNS = [
    ("sport", "n", "an active diversion requiring physical exertion"),
    ("exercise", "n", "the activity of exerting your muscles"),
    ("martial_art", "n", "any of several Oriental arts of weaponless self-defense"),
    ("dancing", "n", "taking a series of rhythmical steps"),
]
LIGHT_NOUNS = [
    ("light", "n", "(physics) electromagnetic radiation"),
    ("source_of_illumination", "n", "any device serving as a source"),
    ("hour", "n", "clock time"),
    ("time_period", "n", "an amount of time"),
    ("illumination", "n", "the degree of visibility"),
    ("shade", "n", "relative darkness caused by light rays being intercepted"),
]
TIME_OF_DAY = {"hour", "time_period"}  # only their named parts of the day count (see below)
DAY_PARTS = re.compile(r"\b(?:sun|day|dark|light|night|evening|morning|dawn|dusk)")
STYLE_NOUNS = [
    ("art_movement", "n", "a group of artists"),
    ("graphic_art", "n", "the arts of drawing"),
    ("photography", "n", "the act of taking and printing photographs"),
    ("photography", "n", "the process of producing images"),
    ("photograph", "n", "a representation of a person or scene"),
    ("painting", "n", "graphic art consisting of an artistic composition"),
    ("movie", "n", "a form of entertainment that enacts a story"),
    ("animation", "n", "the making of animated cartoons"),
    ("genre", "n", "a kind of literary or artistic work"),
    ("style", "n", "a particular kind (as to appearance)"),
]
# Adjectives whose attribute is light itself: bright, dark, dim, sunlit, luminous.
LIGHT_ATTRIBUTES = [
    ("luminosity", "n", "the quality of being luminous"),
    ("light", "n", "the visual effect of illumination"),
]
EVALUATIVE_HEADS = [
    ("beautiful", "a", "delighting the senses"),
    ("good", "a", "having desirable or positive qualities"),
    ("nice", "a", "pleasant or pleasing"),
    ("pleasant", "a", "affording pleasure"),
    ("pleasing", "a", "giving pleasure and satisfaction"),
    ("impressive", "a", "making a strong or vivid impression"),
    ("attractive", "a", "pleasing to the eye or mind"),
    ("exciting", "a", "creating or arousing excitement"),
    ("lovable", "a", "having characteristics that attract love"),
    ("surprising", "a", "causing surprise"),
    ("superior", "a", "of high or superior quality"),
]
DYNAMIC = ("motion", "contact", "change", "body", "weather", "competition", "consumption")
# WordNet's generic verb frames (wninput(5WN)) by the subject they take: "Somebody ----s",
# "Somebody ----s something", ... against "Something ----s", "Something is ----ing PP", and
# "Somebody's (body part) ----s" (the subject is the body part, a thing).
SOMEBODY_FRAMES = frozenset({2, 7, 8, 9, *range(13, 23), *range(24, 34)})
SOMETHING_FRAMES = frozenset({1, 4, 5, 6, 10, 11, 12, 23, 35})
ALTERNATIVE_SHARE = 0.3
ANIMATE_SHARE = 0.3
FLOW_SHARE = 2 / 3  # natural motion only for nouns mostly used for the moving phenomenon
EVENT_FILES = frozenset({"noun.act", "noun.event"})
# An act noun moves when its verb moves a body or a thing ("a race", "a kick", "a stroll");
# acts of the body's state or of change ("a stare", "a sigh", "a melt") are left to verbs.
EVENT_VERBS = frozenset({"motion", "competition", "contact", "weather"})
WORD = re.compile(r"^[a-z][a-z'-]*$")


def root(wordnet: WordNet, lemma: str, pos: str, gloss: str) -> Synset:
    """The sense of ``lemma`` whose gloss starts with ``gloss`` (fails loudly if absent)."""
    for synset in wordnet.senses(lemma, pos):
        if synset.definition.startswith(gloss):
            return synset
    raise LookupError(f"WordNet has no {lemma!r} ({pos}) glossed {gloss!r}")


def roots(wordnet: WordNet, specs: Iterable[tuple[str, str, str]]) -> set[tuple[str, int]]:
    return {root(wordnet, *spec).key for spec in specs}


class Classifier:
    """Word classes over one loaded WordNet."""

    def __init__(self, wordnet: WordNet) -> None:
        self.wn = wordnet
        self.light_verb = roots(wordnet, LIGHT_VERB)
        self.sound_verb = roots(wordnet, SOUND_VERB)
        self.animate_nouns = roots(wordnet, ANIMATE_NOUNS)
        self.motion_nouns = roots(wordnet, MOTION_NOUNS)
        self.exertion_nouns = roots(wordnet, EXERTION_NOUNS)
        self.place_nouns = roots(wordnet, PLACE_NOUNS)
        self.water_nouns = roots(wordnet, WATER_NOUNS)
        self.depiction_nouns = roots(wordnet, DEPICTION_NOUNS)
        self.light_nouns = roots(wordnet, LIGHT_NOUNS)
        self.time_roots = roots(wordnet, [s for s in LIGHT_NOUNS if s[0] in TIME_OF_DAY])
        self.style_nouns = roots(wordnet, STYLE_NOUNS)
        self.evaluative = roots(wordnet, EVALUATIVE_HEADS)
        self.light_attributes = roots(wordnet, LIGHT_ATTRIBUTES)
        self._sense: dict[tuple[str, int], str] = {}

    # -- verbs ----------------------------------------------------------------------------
    def sense_class(self, synset: Synset) -> str:
        """motion, contact, ... for an action; state, posture or light otherwise."""
        cached = self._sense.get(synset.key)
        if cached is not None:
            return cached
        closure = list(self.wn.closure(synset))
        near = [synset, *synset.hypernyms]
        if any(s.key in self.light_verb for s in closure):
            out = "light"
        elif any(s.key in self.sound_verb for s in closure):
            out = "sound"
        elif any(s.lexname in STATE_GLOSS_FILES and STATE_GLOSS.match(s.definition) for s in near):
            out = "posture"
        elif synset.lexname == "verb.stative":
            out = "state"
        else:
            out = synset.lexname.split(".")[1]
        self._sense[synset.key] = out
        return out

    def verb_class(self, lemma: str, frames: frozenset[int] | None = None) -> str:
        """The class with the most weight; when that is not a physical action but a
        physical reading carries at least :data:`ALTERNATIVE_SHARE` of the weight, it
        follows after a slash ("juggle": social/contact, "play": competition).

        ``frames`` keeps only the senses WordNet lists with one of these sentence frames
        (a person or animal as subject, or a thing); "" when no sense has one.
        """
        weights: dict[str, float] = defaultdict(float)
        for n, synset in enumerate(self.wn.senses(lemma, "v")):
            if frames is not None and not synset.frames_of(lemma) & frames:
                continue
            weight = self.wn.count(lemma, synset) + 1 / (n + 1)
            weights[self.sense_class(synset)] += weight
        if not weights:
            return ""
        best = max(weights, key=lambda c: (weights[c], c))
        # A motion verb with a stative sense can describe a shape ("the road winds": WordNet's
        # "extend in curves"): marked with "*" so a place as subject reads it that way, and
        # with "**" when that stative sense is attested in the tagged concordance, as a
        # river's course needs ("winds", "runs"; not "flows": "the champagne flowed").
        shape = ""
        if best == "motion" and "state" in weights:
            attested = any(
                self.sense_class(s) == "state" and self.wn.count(lemma, s) > 0
                for s in self.wn.senses(lemma, "v")
                if frames is None or s.frames_of(lemma) & frames
            )
            shape = "**" if attested else "*"
        if best in DYNAMIC:
            return best + shape
        physical = [c for c in weights if c in DYNAMIC]
        if physical:
            alt = max(physical, key=lambda c: (weights[c], c))
            if weights[alt] >= ALTERNATIVE_SHARE * sum(weights.values()):
                return f"{best}/{alt}"
        return best

    def verb_classes(self, lemma: str) -> str:
        """The verb's class over all its senses, then, when its subject rules that class
        out, its class with a person or animal as subject and with a thing as subject:
        ``all|somebody|something``.

        WordNet lists with every verb sense the sentence frames it takes ("Somebody ----s
        something", "Something ----s"): a selection restriction. When no sense of the
        verb's main class takes a person as subject ("stretch": its stative sense "occupy a
        large area" is only said of things), a person doing it means one of the senses that
        do (body: "extend one's limbs"); otherwise the main class stands.
        """
        every = self.verb_class(lemma)
        main = every.rstrip("*").partition("/")[0]
        out = [every]
        for frames in (SOMEBODY_FRAMES, SOMETHING_FRAMES):
            fitting = [s for s in self.wn.senses(lemma, "v") if s.frames_of(lemma) & frames]
            if not fitting or any(self.sense_class(s) == main for s in fitting):
                out.append(every)
            else:
                out.append(self.verb_class(lemma, frames))
        if out[1] == out[2] == every:
            return every
        return "|".join(out)

    # -- nouns ----------------------------------------------------------------------------
    def noun_class(self, lemma: str) -> str | None:
        """The class with the most weight over the noun's senses ("other" included)."""
        weights: dict[str, float] = defaultdict(float)
        senses = self.wn.senses(lemma, "n")
        for n, synset in enumerate(senses):
            weight = self.wn.count(lemma, synset) + 1 / (n + 1)
            weights[self.noun_sense_class(lemma, synset) or ""] += weight
        if not weights:
            return None
        best = max(weights, key=lambda c: (weights[c], c))
        if best == "flow" and weights["flow"] < FLOW_SHARE * sum(weights.values()):
            best = ""  # "snow" is as often the layer on the ground as the falling snow
        if not best and weights.get("animate", 0) >= ANIMATE_SHARE * sum(weights.values()):
            return "animate"  # a noun that often names a person or animal can act: "emus"
        if best == "event":
            thing = sum(
                self.wn.count(lemma, s) + 1 / (n + 1)
                for n, s in enumerate(senses)
                if s.lexname == "noun.artifact"
            )
            if thing >= ANIMATE_SHARE * sum(weights.values()):
                return None  # "a basketball" is as often the ball: a thing, not an event
        return best or None

    def noun_sense_class(self, lemma: str, first: Synset) -> str | None:
        """The class one sense of a noun gives it (None: no class the linter uses)."""
        keys = {s.key for s in self.wn.closure(first)}
        if keys & self.motion_nouns:
            return "flow"
        if keys & self.light_nouns:
            if keys & self.time_roots:
                # "dusk", "sunrise": the light of a time of day; "hour", "week": no light
                return "daytime" if DAY_PARTS.search(lemma) else None
            return "light"
        if keys & self.style_nouns:
            return "style"
        if first.lexname in EVENT_FILES and (
            keys & self.exertion_nouns or self._from_motion_verb(first)
        ):
            return "event"
        if keys & self.animate_nouns or first.lexname in ("noun.person", "noun.animal"):
            return "animate"
        if keys & self.place_nouns:
            return "place"
        if keys & self.water_nouns:
            return "water"
        return None

    def _share(self, lemma: str, sense: Callable[[Synset], bool]) -> float:
        """The share of a noun's weight (tagged counts plus the sense-order prior) in the
        senses ``sense`` accepts (0 for a word that is no noun)."""
        total = share = 0.0
        for n, synset in enumerate(self.wn.senses(lemma, "n")):
            weight = self.wn.count(lemma, synset) + 1 / (n + 1)
            total += weight
            share += weight if sense(synset) else 0.0
        return share / total if total else 0.0

    def abstract(self, lemma: str) -> bool:
        """Whether most of a noun's weight is in senses of qualities, states, feelings,
        ideas or relations (:data:`ABSTRACT_FILES`): "color", "contrast", "warmth"."""
        return self._share(lemma, lambda s: s.lexname in ABSTRACT_FILES) > 0.5

    def depiction(self, lemma: str) -> bool:
        """Whether a noun often names a still image or an image on a surface (a picture,
        photo, painting, poster, sign, statue): its senses under :data:`DEPICTION_NOUNS` carry
        at least :data:`ANIMATE_SHARE` of its weight."""
        return self._share(lemma, self._depicts) >= ANIMATE_SHARE

    def _depicts(self, synset: Synset) -> bool:
        return synset.lexname in DEPICTION_FILES and any(
            s.key in self.depiction_nouns for s in self.wn.closure(synset)
        )

    def _from_motion_verb(self, synset: Synset) -> bool:
        for symbol, offset, pos in synset.pointers:
            if symbol == "+" and pos == "v":
                verb = self.wn.synsets[("v", offset)]
                if self.sense_class(verb) in EVENT_VERBS:
                    return True
        return False

    # -- adjectives -----------------------------------------------------------------------
    def adjective_class(self, lemma: str) -> str:
        first = self.wn.senses(lemma, "a")[0]
        heads = {first.key}
        for symbol, offset, _ in first.pointers:
            if symbol == "&":
                heads.add(("a", offset))
        if heads & self.evaluative:
            return "evaluative"
        for head in heads:
            for symbol, offset, _ in self.wn.synsets[head].pointers:
                if symbol == "=" and ("n", offset) in self.light_attributes:
                    return "light"
        return "descriptive"


def single(lemma: str) -> bool:
    return bool(WORD.match(lemma))


def common_nouns(wordnet: WordNet) -> set[str]:
    """Noun lemmas written in lower case in some synset that is not a named instance."""
    out: set[str] = set()
    for (pos, _), synset in wordnet.synsets.items():
        if pos != "n" or any(p[0] == "@i" for p in synset.pointers):
            continue
        out.update(w.lower() for w, _ in synset.words if w == w.lower())
    return out


def compounds(wordnet: WordNet, common: set[str]) -> list[str]:
    """Two- and three-word common nouns made of plain lower-case words ("swimming pool")."""
    out = []
    for lemma in wordnet.index["n"]:
        parts = lemma.split("_")
        if 2 <= len(parts) <= 3 and all(p.isalpha() for p in parts) and lemma in common:
            out.append(" ".join(parts))
    return sorted(out)


def camera_verbs() -> list[str]:
    """First words of the curated camera moves (``data/camera_moves.txt``)."""
    from promptkit.lint.lexicon import _camera_moves

    return sorted({p.split()[0] for p, _ in _camera_moves() if single(p.split()[0])})


def inflections(lemma: str, upos: str) -> dict[str, set[str]]:
    """form -> Penn tags, for every inflected form lemminflect knows (its lexicon, else its
    rules for words it does not know)."""
    import lemminflect

    table = lemminflect.getAllInflections(lemma, upos=upos) or lemminflect.getAllInflectionsOOV(
        lemma, upos=upos
    )
    if upos == "VERB" and "VBN" not in table and "VBD" in table:
        table = {**table, "VBN": table["VBD"]}  # lemminflect lists a VBN only when it differs
    out: dict[str, set[str]] = defaultdict(set)
    for tag, forms in table.items():
        for form in forms:
            # "put", "overrun": a past form like the lemma is kept, with its tags
            if tag not in ("VB", "VBP", "NN") and (form != lemma or tag in ("VBD", "VBN")):
                out[form].add(tag)
    return out


def build(wordnet: WordNet) -> str:
    """The whole ``wordnet.tsv`` text (deterministic): one sorted row per word or compound.

    A row's value holds space-separated items: ``V:class`` (a verb lemma), ``v:lemma:class``
    (an inflected verb form), ``N:class`` (a classed noun), ``n:lemma:class`` (its plural),
    ``J:class`` (an adjective), ``C`` (a compound noun, key with spaces).
    """
    classify = Classifier(wordnet)
    items: dict[str, list[str]] = defaultdict(list)
    verbs: dict[str, str] = {}
    for lemma in wordnet.index["v"]:
        parts = lemma.split("_")
        if single(lemma) or (len(parts) == 2 and single(parts[0]) and parts[1] in PARTICLES):
            verbs[lemma] = classify.verb_classes(lemma)
    # Camera moves are verbs of motion even where WordNet lacks the film sense ("the camera
    # dollies in"): the first word of every curated camera move is one, with its inflections.
    for word in camera_verbs():
        if word not in verbs:
            verbs[word] = "motion"
    verb_forms: dict[str, tuple[str, set[str]]] = {}
    for lemma in sorted(verbs):
        if single(lemma):
            for form, tags in sorted(inflections(lemma, "VERB").items()):
                verb_forms.setdefault(form, (lemma, tags))
    for form, bases in sorted(wordnet.exceptions("v").items()):
        if single(form) and bases[0] in verbs and form not in verb_forms:
            verb_forms[form] = (bases[0], {"VBD", "VBN"})
    for lemma, kind in verbs.items():
        items[lemma.replace("_", " ")].append(f"V:{kind}")
    for form, (lemma, tags) in verb_forms.items():
        items[form].append(f"v:{lemma}:{verbs[lemma]}:{','.join(sorted(tags))}")
    common = common_nouns(wordnet)
    nouns: dict[str, str] = {}
    for lemma in wordnet.index["n"]:
        if single(lemma) and lemma in common:
            noun_kind = classify.noun_class(lemma)
            if noun_kind is not None:
                nouns[lemma] = noun_kind
    noun_forms: dict[str, str] = {}
    for lemma in sorted(nouns):
        for form in sorted(inflections(lemma, "NOUN")):
            noun_forms.setdefault(form, lemma)
    for form, bases in sorted(wordnet.exceptions("n").items()):
        if single(form) and bases[0] in nouns:
            noun_forms[form] = bases[0]
    for lemma, kind in nouns.items():
        items[lemma].append(f"N:{kind}")
    for form, lemma in noun_forms.items():
        items[form].append(f"n:{lemma}:{nouns[lemma]}:NNS")
    for lemma in sorted(wordnet.index["n"]):
        if not single(lemma) or lemma not in common:
            continue
        if classify.depiction(lemma):
            for form in [lemma, *sorted(inflections(lemma, "NOUN"))]:
                if "D" not in items[form]:
                    items[form].append("D")  # a still image: what it shows does not move
        if classify.abstract(lemma):
            for form in [lemma, *sorted(inflections(lemma, "NOUN"))]:
                if "A" not in items[form]:
                    items[form].append("A")  # a quality or state: nothing that moves
    for lemma in wordnet.index["a"]:
        if single(lemma):
            items[lemma].append(f"J:{classify.adjective_class(lemma)}")
    for compound in compounds(wordnet, common):
        items[compound].append("C")
        first = compound.split(" ")[0]
        if "c" not in items[first]:
            items[first].append("c")  # starts a compound: worth looking at the next word
        compound_kind = classify.noun_class(compound.replace(" ", "_"))
        if compound_kind is not None:
            items[compound].append(f"N:{compound_kind}")
    header = [
        "promptkit word classes, compiled from WordNet 3.0 by `python -m promptkit.lint.compile",
        "wordnet` (promptkit/lint/compile/classes.py); do not edit.",
        "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.",
        "Licence: promptkit/lint/data/WORDNET-LICENSE.",
        "word<TAB>items: V:class verb | v:lemma:class:tags verb form (a verb's class may be",
        "all|with-somebody|with-something) | N:class noun |",
        "n:lemma:class:tags noun form | J:class adjective | C compound noun (and its N:class) |",
        "c first word of a compound | D a noun of a still image | A an abstract noun; a verb",
        "class ending in * has a stative sense (** one attested in the tagged concordance)",
    ]
    return write(header, {word: " ".join(values) for word, values in items.items()})
