"""The clauses of a prompt: subjects, their animacy and definiteness, and the details that
set a subject apart (read from an :class:`~promptkit.lint.analysis.Analysis`).

* the subject of a verb is the nearest noun or pronoun before it, looking past a
  prepositional phrase ("someone in a blue suit is speaking": someone), an auxiliary's
  complement ("a person is finger snapping": the person) and a frame noun ("clips of an
  actress speaking": the actress);
* a subject is animate when WordNet says its noun can name a person or an animal;
* some subjects cannot move what their verb says: a place, a body of water's course, light,
  a thing lying along a path, what a still image in the scene shows, and a scene acting on
  a quality of itself (these predicates serve :mod:`promptkit.lint.motion`);
* details are descriptive adjectives (WordNet adjectives that are not evaluative or about
  light), participles before a noun, compound modifiers, proper names and "with" attributes;
  camera, style and lighting tags are not details.
"""

from __future__ import annotations

from promptkit.lint.analysis import ADJ_TAGS, NOUN_TAGS, VERB_TAGS, Analysis, Match, cached_property

BE_AUX = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
    ]
)
PERSONS = frozenset(
    [
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "someone",
        "somebody",
        "everyone",
        "everybody",
        "people",
        "who",
    ]
)
DEFINITE = frozenset(
    [
        "the",
        "this",
        "that",
        "these",
        "those",
        "my",
        "his",
        "her",
        "its",
        "our",
        "their",
        "your",
    ]
)
PRENOMINAL = frozenset({"DT", "JJ", "JJR", "JJS", "IN", "PRP$", "CD", "POS"})
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})
# Inside a noun phrase, before its head: adjectives, nouns and participles ("a burning
# building", "a cloaked figure").
NP_INNER = frozenset({"NN", "NNS", "NNP", "NNPS", "JJ", "JJR", "JJS", "VBG", "VBN", "CD"})
FRAME_NOUNS = frozenset(
    [
        "shot",
        "view",
        "close-up",
        "closeup",
        "image",
        "picture",
        "photo",
        "photograph",
        "footage",
        "video",
        "clip",
        "clips",
        "scene",
        "painting",
        "drawing",
        "illustration",
        "portrait",
        "render",
        "rendering",
        "sketch",
    ]
)
NOUN_ADJ = NOUN_TAGS | ADJ_TAGS | {"CD"}
ARTICLES = frozenset({"a", "an", "the", "this", "that", "these", "those"})
TAG_CATEGORIES = frozenset({"camera_term", "camera_move", "style", "lighting", "filler"})


def prev_word(a: Analysis, i: int) -> str:
    """The word before ``i`` in the same clause ("" at a clause start)."""
    return a.words[i - 1] if i > 0 and not a.boundary[i] else ""


class Clauses:
    """Subjects, details and sentences of one analysed prompt."""

    def __init__(self, analysis: Analysis) -> None:
        self.a = analysis
        self.tagged = self._tag_spans()

    def _tag_spans(self) -> frozenset[int]:
        """Tokens of camera, style, lighting and quality tags, with the names a style takes:
        "Hokusai style", "in the style of Van Gogh", "a Chris Ofili painting"."""
        a = self.a
        # A camera word used as a finite verb right after its subject is the verb, not the
        # tag ("her eyebrows shot up", "the head tilts"); a camera move names no subject.
        out = {
            k
            for m in a.matches
            if m.category in TAG_CATEGORIES and not self._verb_after_subject(m)
            for k in range(m.start, m.end)
        }
        n = len(a.words)
        for i, word in enumerate(a.words):
            if word == "style" or (a.classes[i] == "style" and a.tags[i] in NOUN_TAGS):
                k = i - 1
                while k >= 0 and not a.boundary[k + 1] and a.roles[k] is None:
                    if word != "style" and not a.tags[k].startswith("NNP"):
                        break
                    out.add(k)
                    k -= 1
                if word == "style" and i + 1 < n and a.words[i + 1] == "of":
                    k = i + 2
                    while k < n and not a.boundary[k]:
                        out.add(k)
                        k += 1
        return frozenset(out)

    def _verb_after_subject(self, m: Match) -> bool:
        a = self.a
        i = m.start
        return (
            m.category in ("camera_term", "camera_move")
            and a.tags[i] in FINITE_TAGS
            and i > 0
            and not a.boundary[i]
            and (a.tags[i - 1] in ("NN", "NNS", "PRP") or a.words[i - 1] in PERSONS)
        )

    # -- subjects and animacy ---------------------------------------------------------------

    def _subject_of(self, i: int) -> int | None:
        """The nearest noun or pronoun before token ``i`` in its sentence, looking past an
        auxiliary's complement ("a person is finger snapping": the person)."""
        a = self.a
        k = i - 1
        while k >= 0 and not (a.tags[k] in NOUN_TAGS or a.words[k] in PERSONS):
            if a.sentence_start[k]:
                return None
            k -= 1
        if k < 0:
            return None
        # A noun inside a prepositional phrase is not the subject ("someone in a blue suit
        # is speaking"): look before the preposition.
        start = k
        while (
            start > 0
            and not a.boundary[start]
            and (a.tags[start - 1] in NP_INNER or a.roles[start - 1] == "determiner")
        ):
            start -= 1
        absolute = a.words[start - 1] == "with" and k == i - 1 and a.tags[i] == "VBG"
        if (
            start > 0
            and not a.boundary[start]
            and a.roles[start - 1] == "preposition"
            and not absolute
        ):
            # ("with sunlight streaming": the noun after "with" is the participle's subject)
            outer = self._subject_of(start - 1)
            if outer is not None and not (
                a.words[outer] in FRAME_NOUNS and a.words[start - 1] == "of"
            ):  # "clips of an actress speaking": the actress speaks, not the clips
                return outer
        # Nouns and adjectives right after an auxiliary modify the verb ("is finger
        # snapping", "is rock climbing"): the subject stands before the auxiliary.
        j = k
        while j > 0 and a.tags[j] in NOUN_TAGS | ADJ_TAGS and not a.boundary[j]:
            j -= 1
        if a.words[j] in BE_AUX and j < k and not a.sentence_start[j]:
            return self._subject_of(j)
        return k

    def _animate_agent(self, i: int) -> bool:
        """The verb's subject, or the noun phrase a "with" phrase hangs on, is a person or an
        animal ("a team with computers and folders discussing")."""
        k = self._subject_of(i)
        if self.animate(k):
            return True
        a = self.a
        if k is not None and k == i - 1:
            start = k
            while start > 0 and (
                a.tags[start - 1] in NOUN_TAGS | ADJ_TAGS
                or a.words[start - 1] == "and"
                or a.roles[start - 1] == "determiner"
            ):
                start -= 1
            if start > 0 and a.words[start - 1] == "with":
                return self.animate(self._subject_of(start - 1))
        return False

    def animate(self, k: int | None) -> bool:
        """A person or animal: a personal pronoun, a noun WordNet files as one, a name; or
        a collective or measure noun WordNet does not class, whose "of" phrase names the
        members ("a group of tourists", "a pair of hands"): the members act."""
        if k is None:
            return False
        a = self.a
        if a.words[k] in PERSONS or a.classes[k] == "animate" or a.tags[k].startswith("NNP"):
            return True
        if a.classes[k] is None and k + 1 < len(a.words) and a.words[k + 1] == "of":
            j = k + 2
            while j < len(a.words) and not a.boundary[j] and a.tags[j] in NP_INNER | {"DT"}:
                if a.tags[j] in NOUN_TAGS and (
                    j + 1 >= len(a.words) or a.tags[j + 1] not in NOUN_TAGS
                ):
                    return a.classes[j] == "animate" or a.words[j] in PERSONS
                j += 1
        return False

    # -- subjects that cannot move: places, light, things in place, images, effects ------

    def _light_subject(self, i: int) -> bool:
        """The verb's subject is light ("sunlight streaming through", "rays breaking", "a
        beam of light filtering through")."""
        a = self.a
        k = self._subject_of(i)
        if k is None:
            return False
        if a.classes[k] == "light":
            return True
        return k + 2 < i and a.words[k + 1] == "of" and a.classes[k + 2] == "light"

    def _place_subject(self, i: int, course: bool = False) -> bool:
        """The verb's subject is a way, land form or structure ("the road winds"); with
        ``course``, also a body of water whose course the verb describes (:meth:`_course`)."""
        k = self._subject_of(i)
        if k is None or k != i - 1:
            return False
        return self.a.classes[k] == "place" or (course and self._course(i, k))

    def _course(self, i: int, k: int) -> bool:
        """Shape verb ``i`` describes the course of noun ``k``: any place, or a body of water
        when the verb's stative sense is attested in WordNet's tagged concordance (marked
        "**"): "a river winding through the forest" describes its course, "a river flowing"
        its water."""
        a = self.a
        if a.classes[k] == "place":
            return True
        if a.classes[k] != "water":
            return False
        found = a.vocab.classes.verb(a.words[i])
        return found is not None and found[1].endswith("**")

    def _thing_in_place(self, i: int, dominant: str, physical: str) -> bool:
        """A verb of state ("extend", "stretch", "lie", "slant") with no reading that moves a
        body, whose subject is a thing that is no person or animal: the path says where the
        thing lies. Verbs with a reading of motion ("hover") or of activity ("steer") may
        move it."""
        if dominant != "state" or physical in ("motion", "body"):
            return False
        k = self._subject_of(i)
        return k is not None and not self._animate_agent(i)

    def _effect(self, i: int, end: int) -> bool:
        """A participle clause after a comma, with a thing as its implied subject, whose
        object is a quality, state, feeling, idea or relation ("A" in the lexicon: ",
        adding a burst of color to the meadow", ", highlighting the contrast"): it says
        what the scene does to the viewer, not that something moves. The object must have
        an article: a bare noun is the subject's own attribute ("leaves changing color")."""
        a = self.a
        if a.tags[i] != "VBG" or not a.boundary[i] or a.sentence_start[i]:
            return False
        if end >= len(a.words) or a.boundary[end] or a.words[end] not in ARTICLES:
            return False
        if self._animate_agent(i):
            return False
        k = end + 1
        while k < len(a.words) and not a.boundary[k] and a.tags[k] in NOUN_ADJ:
            k += 1
        head = k - 1
        if head <= end or a.tags[head] not in NOUN_TAGS:
            return False
        if "A" in a.info[head]:
            return True
        # "a burst of color", "a sense of calm": an unclassed head whose "of" phrase is
        # abstract measures that abstraction.
        if k + 1 < len(a.words) and a.words[k] == "of" and a.classes[head] is None:
            j = k + 1
            while (
                j < len(a.words)
                and not a.boundary[j]
                and (a.tags[j] in NOUN_ADJ or a.roles[j] == "determiner")
            ):
                j += 1
            return j - 1 > k and "A" in a.info[j - 1] and a.tags[j - 1] in NOUN_TAGS
        return False

    def _depicted(self, i: int) -> int | None:
        """The still image whose content verb ``i`` is: the verb's subject is the "of" phrase
        of a noun WordNet files as a still image (a picture, photo, painting, poster, sign:
        "D" in the lexicon), and that image is a thing in the scene, after a noun or verb of
        its clause ("a sign featuring a picture of children walking"). An image opening
        the prompt names the medium of the clip ("a photo of a dog running")."""
        a = self.a
        k = i - 1
        while (
            k >= 0
            and not a.boundary[k + 1]
            and (a.tags[k] in NP_INNER or a.roles[k] == "determiner")
        ):
            k -= 1
        if k < 1 or a.boundary[k + 1] or a.words[k] != "of" or a.boundary[k]:
            return None
        image = k - 1
        if "D" not in a.info[image] or a.tags[image] not in NOUN_TAGS:
            return None
        j = image - 1  # step over the image's own noun phrase ("a pencil drawing")
        while j >= 0 and not a.boundary[j + 1] and a.tags[j] in NOUN_ADJ:
            j -= 1
        if j >= 0 and not a.boundary[j + 1] and a.roles[j] == "determiner":
            j -= 1
        while j >= 0 and not a.boundary[j + 1]:
            if a.tags[j] in NOUN_TAGS or a.tags[j] in VERB_TAGS:
                return image
            j -= 1
        return None

    # -- motion -----------------------------------------------------------------------------

    def _definite(self, head: int) -> bool:
        """Whether the noun phrase ending at ``head`` is definite: "the", a demonstrative, a
        possessive ("her lips", "the person's chin", "a woman's face")."""
        a = self.a
        k = head
        while k > 0 and not a.boundary[k] and a.roles[k - 1] != "preposition":
            k -= 1
        for j in range(k, head + 1):
            if a.words[j] in DEFINITE or a.words[j].endswith(("'s", "s'")):
                return True
        return False

    @cached_property
    def subject(self) -> int | None:
        """The head noun of the first noun phrase, looking through "a close-up of X"."""
        a = self.a
        n = len(a.words)
        i = 0
        while i < n:
            if a.tags[i] in NOUN_TAGS and i not in a.quoted:
                j = i
                while j + 1 < n and not a.boundary[j + 1] and a.tags[j + 1] in NOUN_TAGS:
                    j += 1
                framed = a.words[j] in FRAME_NOUNS or j in self.tagged
                if framed and j + 1 < n and a.words[j + 1] == "of":
                    i = j + 2
                    continue
                if not framed:
                    return j
                i = j + 1
                continue
            i += 1
        return None

    @cached_property
    def details(self) -> list[tuple[int, int, str]]:
        """Distinguishing details: (start, end, why) for descriptive words and attributes."""
        a = self.a
        n = len(a.words)
        out: list[tuple[int, int, str]] = []
        seen: set[int] = set()
        for i in range(n):
            if i in seen or i in self.tagged or i in a.quoted or a.roles[i] is not None:
                continue
            tag, word = a.tags[i], a.raw[i]
            nxt_noun = i + 1 < n and not a.boundary[i + 1] and a.tags[i + 1] in NOUN_TAGS
            adj = a.info[i].get("J")
            attributive = (
                tag == "NN" and nxt_noun and adj is not None and adj[1] == "descriptive"
            )  # "a red fox": a WordNet adjective before its noun, whatever the tagger said
            if (
                tag in ADJ_TAGS and a.classes[i] not in ("evaluative", "light") or attributive
            ) and word.isalpha():
                out.append((i, i + 1, "a descriptive adjective"))
            elif tag in ("VBN", "VBG") and nxt_noun and (i == 0 or a.tags[i - 1] in PRENOMINAL):
                out.append((i, i + 1, "a participle describing a noun"))
            elif "-" in word and tag not in VERB_TAGS:
                out.append((i, i + 1, "a compound modifier"))
            elif (
                tag in ("NNP", "NNPS")
                and word[0].isupper()
                and (not a.sentence_start[i] or not a.info[i])
            ):
                # A name: mid-sentence capitals, or a sentence-initial capital WordNet does
                # not know as a common word ("Borneo wildlife").
                j = i
                while j + 1 < n and a.tags[j + 1] in ("NNP", "NNPS") and not a.boundary[j + 1]:
                    j += 1
                seen.update(range(i, j + 1))
                out.append((i, j + 1, "a proper name"))
            elif tag in NOUN_TAGS and i > 0 and a.words[i - 1] == "with" and not a.boundary[i]:
                out.append((i, i + 1, "an attribute ('with ...')"))
        for m in a.spans("descriptor"):  # a user's extra-vocab descriptors
            if not any(s <= m.start < e for s, e, _ in out):
                out.append((m.start, m.end, "a configured descriptor"))
        return sorted(out)

    @cached_property
    def sentences(self) -> int:
        """Sentences holding at least one content word."""
        a = self.a
        starts = [i for i, s in enumerate(a.sentence_start) if s]
        return sum(
            1
            for n, s in enumerate(starts)
            if any(a.roles[k] is None for k in range(s, (starts + [len(a.words)])[n + 1]))
        )
