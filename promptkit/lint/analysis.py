"""One analysis of a prompt that every rule reads: words, tags, lemmas, classes and phrases.

:class:`Analysis` cuts the prompt into words, tags each sentence with the part-of-speech
model (:mod:`promptkit.lint.tagger`), gives every word its lemma and WordNet class
(:mod:`promptkit.lint.lexicon`), and finds the curated closed-class phrases (camera moves,
framing, stillness, time cues, negation, quality tags). What the prompt *says* (its subject
and details, its actions, camera, lighting, style, negated instructions) is read from these
layers by :mod:`promptkit.lint.reading`; ``promptkit explain`` prints it.
"""

from __future__ import annotations

import re

from promptkit.lint.lexicon import Vocabulary
from promptkit.lint.tagger import tagger
from promptkit.lint.tokens import TOKEN

TYPE_CHECKING = False  # typing is for the type checker only: the lint path starts without it
if TYPE_CHECKING:
    from functools import cached_property as cached_property

    from promptkit.lint.reading import Reading
else:

    class cached_property:  # noqa: N801 (named as the decorator it stands in for)
        """``functools.cached_property`` without its lock: Python 3.11's takes a lock on
        every first read, and the readings of one prompt are read for the first time a
        dozen times per prompt. An analysis belongs to one thread."""

        def __init__(self, func):
            self.func = func
            self.name = func.__name__
            self.__doc__ = func.__doc__

        def __set_name__(self, owner, name):
            self.name = name

        def __get__(self, instance, owner=None):
            if instance is None:
                return self
            value = instance.__dict__[self.name] = self.func(instance)
            return value


GAP_TOKEN = re.compile(rf"([^A-Za-z0-9]*)({TOKEN})")
BOUNDARY_CHARS = frozenset('.,;:!?()[]"“”\n')
SENTENCE_CHARS = frozenset(".!?\n")
QUOTES = re.compile(r"\"[^\"\n]*\"|“[^”]*”|‘[^’]*’|(?<![A-Za-z])'[^'\n]*'(?![A-Za-z])")
VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
ADJ_TAGS = frozenset({"JJ", "JJR", "JJS"})
# Inside a noun phrase before its head: determiners, numbers, adjectives, nouns, participles.
NP_INNER = frozenset(
    {"DT", "PRP$", "CD", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "VBG", "VBN"}
)
NUMBERS = frozenset(
    [
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "dozen",
        "dozens",
        "hundreds",
    ]
)


def tags_verb(tag: str) -> bool:
    return tag.startswith("VB")


FINITE = frozenset({"VBZ", "VBP", "VBD", "MD"})
# What may follow a verb in a clause: a preposition, article, adverb, particle, possessive,
# "to", or nothing. Not "and": "car mirrors and sunsets" are two nouns.
VERB_FOLLOWERS = frozenset({"IN", "DT", "RB", "RP", "PRP$", "TO", "PRP", "VBG", "END"})
PATH_WORDS = frozenset(
    [
        "away",
        "back",
        "up",
        "down",
        "out",
        "off",
        "around",
        "forward",
        "left",
        "right",
    ]
)
BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "am", "'s", "'re"})
ARTICLES = frozenset({"a", "an", "the"})


class Match:
    """A curated phrase found in the prompt (token span ``start..end``)."""

    __slots__ = ("category", "start", "end", "payload")

    def __init__(self, category: str, start: int, end: int, payload: object) -> None:
        self.category = category
        self.start = start
        self.end = end
        self.payload = payload

    def camera(self) -> tuple[str, str | None, bool]:
        """(family, direction, ambiguous) of a ``camera_move`` match."""
        payload = self.payload
        assert isinstance(payload, tuple)
        return payload


class Analysis:
    """Tokens of one prompt with their tags, lemmas, classes and phrase matches."""

    def __init__(self, text: str, vocab: Vocabulary) -> None:
        self.text = text
        self.lower = text.lower()
        self.vocab = vocab
        # Gaps between tokens hold no letters or digits, so one pattern yields (gap, token)
        # pairs that tile the text: offsets follow from their lengths.
        pairs = GAP_TOKEN.findall(text)
        raw = [token for _, token in pairs]
        starts: list[int] = []
        boundary: list[bool] = []
        sentence_start: list[bool] = []
        at = 0
        for gap, token in pairs:
            at += len(gap)
            starts.append(at)
            at += len(token)
            if gap == " " or (gap and BOUNDARY_CHARS.isdisjoint(gap)):
                boundary.append(False)
                sentence_start.append(False)
            else:
                boundary.append(True)
                sentence_start.append(not SENTENCE_CHARS.isdisjoint(gap))
        if raw:
            boundary[0] = sentence_start[0] = True
        self.raw = raw
        self.starts = starts
        self.boundary = boundary
        self.sentence_start = sentence_start
        # What the lexicon knows of each word (role; verb, noun, adjective readings; verb
        # lemma), looked up once per word and process.
        known = vocab.words(raw)
        self.words = [k[0] for k in known]
        self.roles = [k[1] for k in known]
        self.info = [k[2] for k in known]
        self.verb_lemmas = [k[3] for k in known]
        self.tags = self._tag()
        self.compound_class: dict[int, str | None] = {}
        self.shape_verbs: set[int] = set()
        # Verbs whose class depends on their subject: token -> "somebody|something" classes.
        self.frame_classes: dict[int, str] = {}
        self._progressive()
        self._predicates()
        self._coordination()
        self._gerunds()
        self._determined()
        self.compound_tokens = self._compounds()
        self.lemmas, self.classes = self._lemmas()
        self.matches = self._match()
        self.categories = {m.category for m in self.matches}

    # -- layers ---------------------------------------------------------------------------
    def _tag(self) -> list[str]:
        tags: list[str] = []
        model = tagger()
        lexical = self.vocab.classes.inflection_tags
        n = len(self.raw)
        start = 0
        for i in range(1, n + 1):
            if i == n or self.sentence_start[i]:
                tags.extend(model.tag(self.raw[start:i], lexical))
                start = i
        return tags

    def _progressive(self) -> None:
        """A form of "be", then noun or adjective modifiers, then an -ing word the lexicon
        knows as a verb form is a progressive verb ("is rock climbing", "are roller
        skating"), whatever the tagger made of the -ing word alone."""
        tags = self.tags
        classes = self.vocab.classes
        for i, tag in enumerate(tags):
            if tag not in ("NN", "JJ"):
                continue
            licensed = classes.tags(self.words[i])
            if "VBN" in licensed and i > 0 and self.words[i - 1] in ("being", "been", "getting"):
                tags[i] = "VBN"  # "paint being mixed": a passive participle
                continue
            if "VBG" not in licensed:
                continue
            k = i - 1
            while k >= 0 and not self.boundary[k + 1] and tags[k] in ("NN", "JJ", "RB"):
                k -= 1
            if k >= 0 and not self.boundary[k + 1] and self.words[k] in BE:
                tags[i] = "VBG"

    def _predicates(self) -> None:
        """Give a clause the verb the tagger took for a noun, when English grammar leaves no
        other reading:

        * a clause with a subject and no verb at all: the word after the subject's noun that
          the lexicon knows as a verb form agreeing with it is the verb ("a young couple
          dances under the moon", "sand dunes shift in the wind");
        * an -ing form right after a noun and before a preposition or article is a participle
          ("a boat sailing on the water"), not a noun compound ("a forest clearing" has no
          preposition after it... unless it has: the lexicon's compounds are checked first).

        The word must be followed by what follows a verb (a preposition, article, adverb,
        particle, possessive or the clause end), never by "and" ("car mirrors and sunsets").
        """
        tags = self.tags
        words = self.words
        classes = self.vocab.classes
        n = len(words)
        start = 0
        while start < n:
            # A clause ends at punctuation or where a conjunction or relative word opens the
            # next one ("her forehead creases | as she reads").
            end = start + 1
            while (
                end < n
                and not self.boundary[end]
                and not (self.roles[end] == "conjunction" or tags[end] in ("WDT", "WP"))
            ):
                end += 1
            has_verb = any(tags[k] in FINITE for k in range(start, end))
            in_phrase = False  # inside a prepositional phrase other than "with ..."
            of_only = True  # ... and every such phrase is an "of" phrase
            for i in range(start + 1, end):
                if self.roles[i - 1] == "preposition" and words[i - 1] != "with":
                    in_phrase = True
                    of_only = of_only and words[i - 1] == "of"
                # An adverb may stand between subject and verb ("the planet slowly floats").
                p = i - 2 if tags[i - 1] == "RB" and i - 2 >= start else i - 1
                prev = tags[p]
                if tags[i] not in ("NN", "NNS") or prev not in NOUN_TAGS:
                    continue
                if words[i - 1].endswith(("'s", "s'")):
                    continue  # a possessive always precedes its noun: "a butterfly's wings"
                after = tags[i + 1] if i + 1 < n and not self.boundary[i + 1] else "END"
                follows = (
                    after in VERB_FOLLOWERS
                    or (after != "END" and words[i + 1] in PATH_WORDS)
                    # "puppies play and tumble": two verbs of one subject
                    or (
                        after == "CC"
                        and i + 2 < n
                        and not self.boundary[i + 2]
                        and "VBP" in classes.tags(words[i + 2])
                    )
                )
                licensed = classes.tags(words[i])
                if classes.compound(f"{words[i - 1]} {words[i]}"):
                    continue
                if "VBN" in licensed and i + 1 < end and words[i + 1] == "by":
                    tags[i] = "VBN"  # "a city overrun by nature": "by" names a passive's agent
                elif (
                    "VBG" in licensed
                    and words[i].endswith("ing")
                    and after != "END"
                    and (follows or after in ("NN", "NNS") and p == i - 1)
                ):
                    tags[i] = "VBG"  # "a bird drinking water", "a boat sailing on the sea"
                elif (
                    after == "END"
                    and not has_verb
                    and in_phrase
                    and "VBG" in licensed
                    and words[i].endswith("ing")
                    and self._animate_head(start)
                ):
                    # A caption's predicate may close it after a place: "musician at the
                    # studio singing". The clause has no other verb and its subject can act.
                    tags[i] = "VBG"
                elif not has_verb:
                    plural = self._plural_subject(start, i - 1)
                    if in_phrase and of_only:
                        plural = plural or self._plural_of_head(start, i - 1)
                    # "a couple dances": "a" makes the noun phrase singular, so an -s word
                    # after its noun can only be the verb ("cherry blossoms" have no "a").
                    article = words[start] in ("a", "an") and not in_phrase
                    # An "of" phrase may close the subject ("this shot of a dog showcases its
                    # fur") when an object or preposition follows the verb.
                    determined = (
                        follows
                        and after != "END"
                        and self.roles[start] == "determiner"
                        and (not in_phrase or of_only)
                    )
                    # After "a ..." the subject is singular whatever noun ends a "with"
                    # phrase before the verb ("a tram with no passengers climbs").
                    singular = (article and not self._coordinated(start, i)) or (
                        determined and not plural
                    )
                    if not singular and follows and after != "END":
                        # "penguin colony a penguin moves left": the noun phrase right before
                        # opens with "a" and stands outside any prepositional phrase.
                        k = p
                        while k > start and tags[k - 1] in NOUN_TAGS | ADJ_TAGS:
                            k -= 1
                        singular = (
                            k > start
                            and words[k - 1] in ("a", "an")
                            and (k - 2 < start or self.roles[k - 2] != "preposition")
                        )
                    if "VBZ" in licensed and singular:
                        tags[i] = "VBZ"
                    elif "VBP" in licensed and plural and (follows or self._coordinated(start, i)):
                        tags[i] = "VBP"
                    else:
                        continue
                    has_verb = True
            start = end

    def _determined(self) -> None:
        """A present-tense verb needs a subject before it in its clause. So a word the tagger
        read as one, but that the lexicon or its training also knows as a noun, is that noun
        when the clause offers no subject:

        * after an article or possessive and adjectives: the determiner opens a noun phrase
          that ends in its noun ("amid the arid landscapes");
        * after nothing but adjectives at the start of a clause ("..., light smile, ...");
        * as the only word of a comma-separated fragment ("coastline, wind, waves, rocks").
        """
        tags = self.tags
        words = self.words
        boundary = self.boundary
        n = len(tags)
        for i, tag in enumerate(tags):
            if tag not in ("VBZ", "VBP", "VB"):
                continue
            alone = boundary[i] and (i + 1 >= n or boundary[i + 1]) and i > 0
            if not alone:
                if boundary[i]:
                    continue
                k = i - 1
                while k > 0 and tags[k] in ADJ_TAGS and not boundary[k]:
                    k -= 1
                determined = words[k] in ARTICLES or (tags[k] == "PRP$" and k < i - 1)
                bare = boundary[k] and tags[k] in ADJ_TAGS  # only adjectives before it
                if not (determined or bare):
                    continue
            noun = "NNS" if tag == "VBZ" else "NN"
            known = tagger().known_tags(words[i]) | self.vocab.classes.tags(words[i])
            if noun in known:
                tags[i] = noun

    def _gerunds(self) -> None:
        """An -ing word after an adjective heads a noun phrase: adjectives modify nouns,
        adverbs modify verbs ("with red stitching", "a slow dancing"), unless a noun follows
        it ("a red spinning top": the -ing word modifies "top") or "be" precedes the
        adjective."""
        tags = self.tags
        n = len(tags)
        for i in range(1, n):
            if tags[i] != "VBG" or tags[i - 1] not in ADJ_TAGS or self.boundary[i]:
                continue
            before = self.info[i - 1]
            if "J" not in before or "N" in before or "n" in before:
                continue  # only a word the lexicon knows as an adjective and not as a noun
            if i + 1 < n and not self.boundary[i + 1] and tags[i + 1] in NOUN_TAGS | ADJ_TAGS:
                continue
            if i > 1 and self.words[i - 2] in BE:
                continue
            tags[i] = "NN"

    def _coordination(self) -> None:
        """Coordination joins like with like: a base-form word ending a clause right after
        "noun and" inside a prepositional phrase is a noun too ("filled with purpose and
        drive", "a plate of rice and stew"), when the lexicon knows it as one."""
        tags = self.tags
        words = self.words
        n = len(words)
        for i in range(2, n):
            if tags[i] not in ("VB", "VBP") or words[i - 1] not in ("and", "or"):
                continue
            if tags[i - 2] not in ("NN", "NNS") or self.boundary[i - 1] or self.boundary[i]:
                continue
            if i + 1 < n and not self.boundary[i + 1]:
                continue
            if "NN" not in tagger().known_tags(words[i]) and "N" not in self.info[i]:
                continue  # neither the tagger's training nor the lexicon has it as a noun
            k = i - 2
            while k > 0 and not self.boundary[k] and tags[k - 1] in NP_INNER:
                k -= 1
            if k > 0 and not self.boundary[k] and self.roles[k - 1] == "preposition":
                tags[i] = "NN"

    def _animate_head(self, start: int) -> bool:
        """Whether the noun phrase opening a clause names a person or an animal."""
        k = start
        while k < len(self.words) and self.tags[k] in NP_INNER:
            if self.tags[k] in NOUN_TAGS and (
                k + 1 >= len(self.words) or self.tags[k + 1] not in NOUN_TAGS
            ):
                return self.vocab.reading(self.words[k], "NN")[1] == "animate"
            k += 1
        return False

    def _plural_of_head(self, start: int, last: int) -> bool:
        """A subject "N1 of N2" agrees with its head N1 ("the winners of the race spray"),
        or, when N1 is a collective or measure noun the lexicon does not class, with its
        members ("a herd of goats graze": notional agreement)."""
        words = self.words
        of = next((k for k in range(start + 1, last) if words[k] == "of"), None)
        if of is None or self.tags[of - 1] not in NOUN_TAGS:
            return False
        if self._plural_subject(start, of - 1):
            return True
        head = self.vocab.reading(words[of - 1], "NN")[1]
        return head is None and self._plural_subject(of + 1, last)

    def _coordinated(self, start: int, i: int) -> bool:
        """A subject made of two noun phrases ("a mother and her child feed the ducks")."""
        return any(self.words[k] == "and" for k in range(start, i))

    def _plural_subject(self, start: int, head: int) -> bool:
        """Whether the noun phrase ending at ``head`` is plural ("dunes", "nine sheep",
        "a mother and her child")."""
        word = self.words[head]
        if self.words[start] in ("a", "an") and not self._coordinated(start, head + 1):
            return False  # "a sports ball": the article makes the phrase singular
        if self.tags[head] in ("NNS", "NNPS") or "NNS" in self.vocab.classes.tags(word):
            return True
        if self.tags[head] == "NNP" and "NNS" in tagger().known_tags(word):
            return True  # "Hailstones pelt": capitalised, but a plural noun all the same
        for k in range(start, head):
            word = self.words[k]
            if word == "and" or word in NUMBERS or (word.isdigit() and word != "1"):
                return True
        return False

    def _compounds(self) -> frozenset[int]:
        """Tokens inside a WordNet compound noun ("swimming pool", "fire hydrant"); they are
        tagged as nouns whatever the tagger guessed for each word alone."""
        out: set[int] = set()
        words = self.words
        classes = self.vocab.classes
        info = self.info
        for i in range(len(words) - 1):
            if "c" not in info[i] or self.boundary[i + 1] or self.roles[i + 1] is not None:
                continue
            # A participle after a noun that can do it: "a bird drinking water" (the bird
            # drinks); after one that cannot, the compound stands ("a mahogany dining table").
            after_agent = (
                i > 0
                and self.tags[i - 1] in NOUN_TAGS
                and "J" not in info[i - 1]
                and (self.vocab.reading(words[i - 1], self.tags[i - 1])[1] == "animate")
            )
            if tags_verb(self.tags[i]) and (words[i + 1] in PATH_WORDS or after_agent):
                # "are running away", "a bird drinking water": a verb with its particle or
                # object, not the nouns "running away" and "drinking water"
                continue
            last = words[i + 1]
            singular = last[:-1] if last.endswith("s") and self.tags[i + 1] == "NNS" else last
            for phrase in (f"{words[i]} {last}", f"{words[i]} {singular}"):
                if classes.compound(phrase):
                    out.update((i, i + 1))
                    self.tags[i] = "NN"
                    if self.tags[i + 1] not in NOUN_TAGS:
                        self.tags[i + 1] = "NN"
                    noun = classes.noun(phrase)
                    self.compound_class[i + 1] = noun[1] if noun else None
                    break
        return frozenset(out)

    def _lemmas(self) -> tuple[list[str], list[str | None]]:
        lemmas: list[str] = []
        kinds: list[str | None] = []
        compound_class = self.compound_class
        words = self.words
        for i, (lemma, kind, shape, frames) in enumerate(self.vocab.readings(words, self.tags)):
            if i in compound_class:  # the last word of a compound carries its class
                lemmas.append(words[i])
                kinds.append(compound_class[i])
                continue
            lemmas.append(lemma)
            kinds.append(kind)
            if shape:
                self.shape_verbs.add(i)
            if frames:
                self.frame_classes[i] = frames
        return lemmas, kinds

    def _match(self) -> list[Match]:
        """Curated phrases, matched on words or lemmas, not across punctuation."""
        index = self.vocab.index
        lemmas = self.lemmas
        words = self.words
        boundary = self.boundary
        n = len(words)
        found: list[Match] = []
        verbs = self.verb_lemmas
        for i in range(n):
            entries = index.get(words[i])
            if entries is None and words[i] != lemmas[i]:
                entries = index.get(lemmas[i])
            if entries is None:
                # Camera moves and stillness phrases are verbs whatever the tagger said
                # ("camera pans left"): try the word's verb lemma too.
                as_verb = verbs[i]
                if as_verb is not None and as_verb != words[i]:
                    entries = index.get(as_verb)
            if not entries:
                continue
            for phrase, category, payload in entries:
                size = len(phrase)
                if size == 1:
                    found.append(Match(category, i, i + 1, payload))
                    continue
                if i + size > n:
                    continue
                if all(
                    (
                        lemmas[i + k] == phrase[k]
                        or words[i + k] == phrase[k]
                        or verbs[i + k] == phrase[k]
                    )
                    and not boundary[i + k]
                    for k in range(1, size)
                ):
                    found.append(Match(category, i, i + size, payload))
        return found

    # -- helpers the reading uses ---------------------------------------------------------
    @cached_property
    def quoted(self) -> frozenset[int]:
        """Tokens inside quotation marks: on-screen text or speech, not instructions."""
        if not any(q in self.text for q in "\"“‘'"):
            return frozenset()
        spans = [m.span() for m in QUOTES.finditer(self.text)]
        return frozenset(i for i, s in enumerate(self.starts) if any(a < s < b for a, b in spans))

    def spans(self, category: str) -> list[Match]:
        return [m for m in self.matches if m.category == category]

    def has(self, category: str) -> bool:
        return category in self.categories

    def clause_start(self, i: int) -> int:
        """Index of the first token of the clause holding ``i`` (after punctuation)."""
        while i > 0 and not self.boundary[i]:
            i -= 1
        return i

    @cached_property
    def named(self) -> list[frozenset[str]]:
        """The classes each word has as a noun or an adjective (lighting, style, ...)."""
        return self.vocab.named_classes(self.words)

    @cached_property
    def content(self) -> list[int]:
        """Indices of content words (not determiners, prepositions, pronouns, ...)."""
        return [i for i, role in enumerate(self.roles) if role is None]

    @cached_property
    def reading(self) -> Reading:
        from promptkit.lint.reading import Reading

        return Reading(self)

    def offset(self, i: int) -> int:
        return self.starts[i] if i < len(self.starts) else 0

    def phrase(self, m: Match) -> str:
        return self.span_text(m.start, m.end)

    def span_text(self, start: int, end: int) -> str:
        stop = self.starts[end - 1] + len(self.raw[end - 1])
        return self.text[self.starts[start] : stop]

    # -- compatibility views the rules read -----------------------------------------------
    @property
    def has_motion(self) -> bool:
        return self.reading.has_motion

    @property
    def camera_moves(self) -> list[Match]:
        return self.reading.camera_moves

    @property
    def stillness_request(self) -> Match | None:
        return self.reading.stillness

    @cached_property
    def shot_starts(self) -> list[int]:
        """Token indices where a new shot starts ("cut to", "Shot 2")."""
        return [m.start for m in self.matches if m.category == "cut"]

    @cached_property
    def beats(self) -> int:
        """Action beats: 1 + sequence markers, or the number of bulleted action lines."""
        markers = sum(1 for m in self.matches if m.category == "beat")
        bullets = sum(
            1 for line in self.text.splitlines() if line.lstrip()[:2] in ("- ", "* ", "• ")
        )
        return max(1 + markers, bullets)
