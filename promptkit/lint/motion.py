"""What moves in a prompt: every motion cue, counted or not, with its reason.

Each decision states its linguistic reason (``why``), so ``promptkit explain`` can show why a
rule fired:

* an action is a verb whose WordNet class is dynamic (motion, contact, change, body,
  weather, competition, consumption); a verb of communication, creation, social life or
  sound, or one with a physical reading besides its main one ("juggle"), is an action only
  with a person or animal as subject ("a man sings", not "a sign reads"); states, postures
  and light emission are not actions, unless a path follows ("leads them across");
* a motion verb whose subject is light ("sunlight streaming through the window") is
  illumination; an infinitive after an adjective or noun ("easy to carry") is a purpose;
* a motion verb whose subject is a place (a way, land form or structure) describes its
  shape, not motion: "a winding road", "the path runs along the river" (fictive motion);
  so does one whose subject is a body of water when the verb's stative sense is attested
  ("a river winding through the forest"; "a river flowing" moves);
* what a still image shows does not move: a verb whose subject is the "of" phrase of a
  picture, photo, painting, poster or sign inside the scene ("a sign featuring a picture of
  children walking"); an image that opens the prompt names its medium ("a photo of a dog
  running" asks for the running dog);
* the verb's form matters: a past participle describes a resulting state ("a van parked",
  "a cave filled with crystals") unless it is a progressive passive or has a path ("is
  thrown across"); a participle before a noun is a modifier ("a smiling skull") and only
  counts for motion and weather verbs ("a spinning top");
* a noun moves when WordNet files it as natural motion (rain, wind, fire, waves, traffic)
  or as an act or event derived from a motion verb ("a race", "a stroll", "large motion"),
  unless it modifies another noun ("a race car") or is negated;
* camera moves, time cues and motion phrases come from the curated closed-class lists;
"""

from __future__ import annotations

from promptkit.lint.analysis import ADJ_TAGS, NOUN_TAGS, VERB_TAGS, Match, cached_property
from promptkit.lint.lexicon import DIRECTIONS, PARTICLES
from promptkit.lint.subjects import BE_AUX, PERSONS, PRENOMINAL, Clauses, prev_word

TYPE_CHECKING = False  # typing is for the type checker only: the lint path starts without it
if TYPE_CHECKING:
    from collections.abc import Iterator

SUPPORT_VERBS = frozenset({"be", "do", "have", "go", "get"})
STATIC = frozenset({"state", "posture", "light", "perception", "cognition", "emotion"})
DYNAMIC = frozenset(
    {"motion", "contact", "change", "body", "weather", "competition", "consumption", "unknown"}
)
AGENTIVE = frozenset({"communication", "creation", "social", "sound", "possession"})
COERCIBLE = frozenset(
    {"state", "social", "communication", "creation", "possession", "perception", "cognition"}
)
MODIFIER_MOTION = frozenset({"motion"})
# Verbs that move their subject or its body: with an abstract object they still move ("a
# dancer turning a full circle"); other classes act on the object.
SELF_MOVING = frozenset({"motion", "body", "weather", "competition"})
AUXILIARIES = frozenset({"be", "have", "do"})
VERB_NEGATORS = frozenset({"not", "n't", "never", "don't", "doesn't", "didn't", "won't", "can't"})
NO = frozenset({"no", "without"})
PROGRESSIVE_PASSIVE = frozenset({"being", "getting", "get", "gets", "got"})
PATHS = frozenset(
    [
        "across",
        "into",
        "onto",
        "through",
        "toward",
        "towards",
        "away",
        "off",
        "up",
        "down",
        "along",
        "past",
        "upward",
        "upwards",
        "downward",
        "downwards",
        "out",
        "over",
        "around",
        "from",
        "back",
    ]
)
SHOT_WORDS = frozenset({"shot", "move", "movement", "motion"})
MOTION_CATEGORIES = frozenset({"modifier", "time", "motion_verb", "env", "event"})


class Cue:
    """One candidate motion cue: counted or not, and why."""

    __slots__ = ("start", "end", "kind", "lemma", "klass", "counted", "why")

    def __init__(
        self,
        start: int,
        end: int,
        kind: str,  # verb, noun, camera, time, phrase
        lemma: str,
        klass: str | None,
        counted: bool,
        why: str,
    ) -> None:
        self.start = start
        self.end = end
        self.kind = kind
        self.lemma = lemma
        self.klass = klass
        self.counted = counted
        self.why = why


class MotionReading(Clauses):
    """Actions, natural motion, camera moves, time cues and stillness requests."""

    @cached_property
    def cues(self) -> list[Cue]:
        """Every candidate motion cue in prompt order (counted or not)."""
        out = list(self._phrase_cues())
        out.extend(self._word_cues())
        out.sort(key=lambda c: c.start)
        return out

    @cached_property
    def has_motion(self) -> bool:
        """Whether anything moves; stops at the first cue that counts."""
        if "cues" in self.__dict__:
            return bool(self.motion)
        return any(c.counted for c in self._phrase_cues()) or any(
            c.counted for c in self._word_cues()
        )

    def _word_cues(self) -> Iterator[Cue]:
        a = self.a
        quoted = a.quoted
        tagged = self.tagged
        for i, tag in enumerate(a.tags):
            if tag in VERB_TAGS:
                if i in quoted or i in tagged:
                    continue
                cue = self._verb(i)
            elif tag in NOUN_TAGS and a.classes[i] in ("flow", "event"):
                if i in quoted or i in tagged:
                    continue
                cue = self._noun(i)
            else:
                continue
            if cue is not None:
                yield cue

    def _phrase_cues(self) -> Iterator[Cue]:
        a = self.a
        for m in a.matches:
            if m.start in a.quoted:
                continue
            if m.category == "camera_move":
                family = m.camera()[0]
                if self._other_subject_verb(m):
                    continue  # "a scooter zooms": the subject's verb, read with the verbs
                if self._camera_move_counts(m):
                    counted = family != "static"
                    why = "a camera move" if counted else "a fixed camera: framing, not motion"
                    if counted and (self._negated(m.start) or prev_word(a, m.start) in NO):
                        # "no camera movement", "without camera motion"
                        counted, why = False, "negated"
                    yield Cue(m.start, m.end, "camera", a.phrase(m), family, counted, why)
            elif m.category in MOTION_CATEGORIES:
                why = "a change over time" if m.category == "time" else "a motion phrase"
                yield Cue(m.start, m.end, "phrase", a.phrase(m), m.category, True, why)

    @cached_property
    def motion(self) -> list[Cue]:
        return [c for c in self.cues if c.counted]

    def _negated(self, i: int) -> bool:
        a = self.a
        for k in (i - 1, i - 2):
            if k >= 0 and not a.boundary[k + 1] and a.words[k] in VERB_NEGATORS:
                return True
        return False

    def _verb(self, i: int) -> Cue | None:
        a = self.a
        lemma, klass, tag = a.lemmas[i], a.classes[i], a.tags[i]
        if (lemma in AUXILIARIES and not self._main_do(i)) or i in a.compound_tokens:
            return None  # auxiliaries and compound nouns
        if "'" in a.words[i]:
            return None  # contractions ("it's")
        nxt0 = i + 1 if i + 1 < len(a.words) and not a.boundary[i + 1] else None
        if tag == "VBG" and nxt0 is not None and a.words[nxt0] == "of":
            return None  # a nominal takes "of" ("a painting of"), a verb's object never does
        if klass is None and tag not in ("VBG", "VBZ"):
            return (
                None  # a word WordNet does not know as a verb, in a form that is not typical of one
            )
        end = i + 1
        shape = i in a.shape_verbs
        frames = a.frame_classes.get(i)
        nxt = nxt0
        if (
            nxt is not None
            and a.words[nxt] in PARTICLES
            and a.tags[nxt] in ("RP", "RB")
            # "jumps out of the car": "out of" is one preposition, not a particle and "of"
            and not (nxt + 1 < len(a.words) and a.words[nxt + 1] == "of")
        ):
            phrasal = a.vocab.classes.verb_frames(f"{lemma} {a.words[nxt]}", inflected=False)
            if phrasal is not None:
                _, head, frames = phrasal
                klass, shape, end = head.rstrip("*"), head.endswith("*"), nxt + 1
        if frames:
            # WordNet lists the sentence frames of each sense: the subject selects the senses
            # that apply ("a person stretching": body; "the plain stretches": state).
            subject = self._subject_of(i)
            if subject is not None:
                somebody, _, something = frames.partition("|")
                chosen = somebody if self.animate(subject) else something
                if chosen:
                    klass, shape = chosen.rstrip("*"), chosen.endswith("*")
        if klass is None:
            klass = "unknown"  # a verb WordNet lacks ("moonwalks"): taken as an action
        word = a.span_text(i, end)
        if tag == "VB" and prev_word(a, i) == "to" and i > 1 and a.tags[i - 2][:2] in ("JJ", "NN"):
            why = f"'to {word}' after '{a.raw[i - 2]}' is a purpose or potential, not an action"
            return Cue(i, end, "verb", lemma, klass, False, why)
        if self._negated(i):
            return Cue(i, end, "verb", lemma, klass, False, "negated")
        image = self._depicted(i)
        if image is not None:
            why = f"'{word}' is what the {a.raw[image]} shows: a still image does not move"
            return Cue(i, end, "verb", lemma, klass, False, why)
        dominant, _, physical = klass.partition("/")
        progressive = prev_word(a, i) in BE_AUX and tag == "VBG"
        if (
            dominant in ("cognition", "light")
            and self._has_object(end)
            and (progressive or self._animate_or_implied(i))
        ):
            # "reading a book", "counting money", "shining shoes": with an object these are
            # things a person does with their hands; alone ("thinking", "glows") they are not,
            # nor with a thing as subject ("her face reflects focus").
            physical = physical or "contact"
        if tag == "VBG" and dominant not in DYNAMIC and dominant != "light" and progressive:
            noun = a.vocab.classes.noun(a.words[i])
            if noun is not None and noun[1] == "event":  # "is boxing", "water skiing"
                return Cue(i, end, "verb", lemma, "event", True, f"'{word}': a sport or exercise")
            if dominant in AGENTIVE or physical:
                # The progressive reports an event in progress, whoever does it ("a flower is
                # singing"); the stative readings that need no agent ("the sign reads 'stop'")
                # do not take it.
                why = f"'{word}': an activity in progress ({physical or dominant})"
                return Cue(i, end, "verb", lemma, physical or dominant, True, why)
        if dominant not in DYNAMIC:
            if (dominant in AGENTIVE or physical) and self._animate_agent(i):
                klass = physical or dominant  # a person or animal does it: the physical sense
            elif dominant in COERCIBLE and (
                self._path_follows(end - 1, dominant)
                or (dominant == "perception" and end > i + 1 and a.words[end - 1] in PATHS)
            ):  # "looks back", "glances up": the gaze moves
                # A path phrase makes an activity a movement: "leading her ducklings across".
                # With a thing as subject, a path after a verb of state traces where the thing
                # lies (Talmy's coextension path): "a scar slanting across his face", "a road
                # leading to the castle", "the awning extends over the sidewalk".
                if not self._thing_in_place(i, dominant, physical):
                    why = f"'{word}' with a path: a movement"
                    return Cue(i, end, "verb", lemma, klass, True, why)
                why = f"'{word}' with a path and a thing as subject says where it lies"
                return Cue(i, end, "verb", lemma, klass, False, why)
            elif dominant in AGENTIVE or physical:
                why = f"'{word}' ({dominant}) needs a person or animal doing it"
                return Cue(i, end, "verb", lemma, dominant, False, why)
            else:
                why = f"'{word}' is a {dominant}, not an action"
                return Cue(i, end, "verb", lemma, dominant, False, why)
        prev = i - 1 if i > 0 and not a.boundary[i] else None
        before_noun = nxt is not None and a.tags[nxt] in NOUN_TAGS | ADJ_TAGS
        after = end if end < len(a.words) and not a.boundary[end] else None
        if tag == "VBN" and self._narrated(i, prev):
            tag = "VBD"  # "the person's chin trembled": a definite subject's past verb
        if tag == "VBN" or (tag == "VBD" and self._participle(i, prev, before_noun)):
            before = a.words[prev] if prev is not None else ""
            path = after is not None and a.words[after] in PATHS
            # "is flown", "are poured": a passive of a motion verb is the movement itself;
            # of other verbs it is the resulting state ("is parked", "is filled with").
            moved = klass == "motion" and before in BE_AUX
            if before not in PROGRESSIVE_PASSIVE and not path and not moved:
                why = f"'{word}' is a past participle: a resulting state"
                return Cue(i, end, "verb", lemma, klass, False, why)
        if (
            tag == "VBG"
            and before_noun
            and (prev is None or a.tags[prev] in PRENOMINAL or a.words[prev].endswith("'s"))
        ):  # "a smiling skull", "the dog's striking eyes": a possessive is a determiner
            if klass not in MODIFIER_MOTION:
                why = f"'{word}' modifies a noun and is not a motion verb"
                return Cue(i, end, "verb", lemma, klass, False, why)
            if shape and self._course(i, nxt0 or i):
                why = f"'{word}' describes the shape of a place, which cannot move"
                return Cue(i, end, "verb", lemma, klass, False, why)
        if klass == "contact" and self._place_subject(i):
            why = f"'{word}' with a place as its subject describes where it touches"
            return Cue(i, end, "verb", lemma, klass, False, why)
        if self._light_subject(i) and (
            klass in ("motion", "contact")
            or self._path_follows(end - 1, klass)
            or self._has_object(end)
        ):
            # Light that moves along a path is emanation ("rays breaking through the fog"),
            # and light acting on a thing lights it ("beams that highlight the dew"): neither
            # is a body moving. Light that changes by itself ("the light fades") is a change.
            why = f"'{word}' with light as its subject is illumination, not movement"
            return Cue(i, end, "verb", lemma, klass, False, why)
        if klass not in SELF_MOVING and self._effect(i, end):
            why = f"'{word}' acts on a quality or state of the scene: nothing visible moves"
            return Cue(i, end, "verb", lemma, klass, False, why)
        if shape and self._place_subject(i, course=True):
            why = f"'{word}' describes the shape of a place, which cannot move"
            return Cue(i, end, "verb", lemma, klass, False, why)
        return Cue(i, end, "verb", lemma, klass, True, f"'{word}': an action ({klass})")

    def _main_do(self, i: int) -> bool:
        """ "do" with an object is the main verb, whose object names the act ("doing
        laundry", "does a wheelie"); before a verb or "not" it is an auxiliary."""
        a = self.a
        k = i + 1
        if a.lemmas[i] != "do" or k >= len(a.words) or a.boundary[k]:
            return False
        return a.tags[k] in ("DT", "PRP$", "NN", "NNS", "JJ", "CD") and a.words[k] != "not"

    def _animate_or_implied(self, i: int) -> bool:
        """The verb's subject is a person or an animal, or is left unsaid ("reading a book
        by the fire": a caption's unnamed doer is a person)."""
        k = self._subject_of(i)
        return k is None or self._animate_agent(i)

    def _has_object(self, end: int) -> bool:
        """A direct object follows (an article, possessive, noun or pronoun)."""
        a = self.a
        if end >= len(a.words) or a.boundary[end]:
            return False
        return a.tags[end] in ("DT", "PRP$", "NN", "NNS", "PRP", "CD") and a.words[end] != "there"

    def _path_follows(self, i: int, klass: str) -> bool:
        """A directional preposition after token ``i`` in the same clause: right after it for
        a verb of perception or thought ("gazing out of the window"), within three words
        otherwise ("leading her ducklings across")."""
        a = self.a
        reach = 2 if klass in ("perception", "cognition") else 4
        for k in range(i + 1, min(i + reach, len(a.words))):
            if a.boundary[k]:
                return False
            if a.words[k] in PATHS and a.words[k] != "from" and a.tags[k] in ("IN", "RP", "RB"):
                return True
        return False

    def _participle(self, i: int, prev: int | None, before_noun: bool) -> bool:
        """Whether a past form that may also be a participle reads as one: before a noun
        after an article or adjective ("grilled zucchini"), or right after an indefinite
        noun phrase ("a car parked on the street"). Captions describe what is shown, so "a
        car parked" is the parked car; a definite subject narrates ("the person's chin
        quivered", "her lips trembled")."""
        a = self.a
        if "VBN" not in a.vocab.classes.tags(a.words[i]):
            return False
        if before_noun and (
            prev is None
            or a.tags[prev] in PRENOMINAL
            or a.words[prev].endswith(("'s", "s'"))
            or (a.tags[prev] == "CC" and prev > 0 and a.tags[prev - 1][:2] in ("JJ", "NN"))
        ):
            return True  # "grilled zucchini", "a hardcover and embossed title"
        return prev is not None and a.tags[prev] in NOUN_TAGS and not self._definite(prev)

    def _narrated(self, i: int, prev: int | None) -> bool:
        """A past participle right after a definite subject, with no auxiliary in its clause,
        is the clause's past verb ("her lips trembled", "the person's forehead creased")."""
        a = self.a
        if prev is None or a.tags[prev] not in NOUN_TAGS or not self._definite(prev):
            return False
        if a.classes[i] not in ("motion", "body", "change", "contact"):
            return False  # "the word 'START' written on": a participle, not narration
        start = a.clause_start(i)
        if not a.sentence_start[start]:
            return False  # ", his eyes filled with worry": an absolute phrase, not a clause
        return not any(
            a.words[k] in BE_AUX or a.lemmas[k] in ("have", "get") for k in range(start, i)
        )

    def _noun(self, i: int) -> Cue | None:
        a = self.a
        klass = a.classes[i]
        word = a.raw[i]
        if i in a.compound_tokens and i not in a.compound_class:
            return Cue(i, i + 1, "noun", a.lemmas[i], klass, False, "part of a compound noun")
        nxt = i + 1
        if nxt < len(a.words) and not a.boundary[nxt] and a.tags[nxt] in NOUN_TAGS:
            return Cue(i, i + 1, "noun", a.lemmas[i], klass, False, f"'{word}' modifies a noun")
        if i > 0 and not a.boundary[i] and a.words[i - 1] in ("no", "without"):
            return Cue(i, i + 1, "noun", a.lemmas[i], klass, False, "negated")
        if klass == "event" and not self._event_counts(i):
            why = f"'{word}' names an act but nothing in the prompt does it"
            return Cue(i, i + 1, "noun", a.lemmas[i], klass, False, why)
        why = "natural motion" if klass == "flow" else "an act or event"
        return Cue(i, i + 1, "noun", a.lemmas[i], klass, True, f"'{word}': {why}")

    def _event_counts(self, i: int) -> bool:
        """An act noun moves when something does it: it is the object of an activity verb
        ("doing a backflip", "taking a stroll", "comes to a stop", "lets out a yawn"), it
        follows "in", "during" or "into", or it heads a clause with no verb ("a horse race",
        "dynamic movement"). "A baseball ... lay on the grass" and "with red stitching"
        name things."""
        a = self.a
        k = i - 1
        # Step over the act's own noun phrase ("a tender first", "the complex ... of a"), and
        # over a first conjunct, which shares the governor ("capturing the lights of
        # buildings and the movement of cars").
        conjunct = False
        while k >= 0 and not a.boundary[k + 1]:
            if a.tags[k] in NOUN_TAGS | ADJ_TAGS or a.tags[k] in ("DT", "PRP$", "CD", "POS"):
                k -= 1
            elif a.words[k] in ("and", "or") and not conjunct:
                conjunct = True
                k -= 1
            elif conjunct and a.words[k] == "of" and k > 0 and a.tags[k - 1] in NOUN_TAGS:
                k -= 1  # the first conjunct's own "of" phrase
            else:
                break
        if k >= 0 and not a.boundary[k + 1]:
            if a.words[k] in ("in", "during", "into"):
                return True
            if a.words[k] in ("to", "out", "for") and k > 0 and not a.boundary[k]:
                k -= 1  # "comes to a stop", "lets out a yawn", "goes for a swim"
            if a.tags[k] in VERB_TAGS:
                found = a.vocab.classes.verb(a.words[k])
                klass = found[1].rstrip("*").partition("/")[0] if found else "unknown"
                # "doing a backflip", "showing the movement of a whirlpool": an activity or
                # a depiction; "holding a basketball" holds a thing.
                return klass not in STATIC or klass == "perception" or a.lemmas[k] in SUPPORT_VERBS
            return a.words[k] == "of" and k > 0 and a.words[k - 1] in ("movement", "motion")
        start = a.clause_start(i)
        end = i + 1
        while end < len(a.words) and not a.boundary[end]:
            end += 1
        return not any(a.tags[j] in VERB_TAGS for j in range(start, end))

    def _camera_move_counts(self, m: Match) -> bool:
        if not m.camera()[2]:
            return True
        a = self.a
        i = m.start
        if i in a.compound_tokens:
            return False
        nxt = i + 1
        if (
            nxt < len(a.words)
            and not a.boundary[nxt]
            and (a.words[nxt] in DIRECTIONS or a.words[nxt] in SHOT_WORDS)
        ):
            return True
        if i > 0 and not a.boundary[i] and a.words[i - 1] == "camera":
            return True
        return a.tags[i] in VERB_TAGS and a.tags[i] != "VBN"

    @cached_property
    def camera_moves(self) -> list[Match]:
        """Camera moves actually requested (static shots included), in prompt order. A
        camera word used as a finite verb right after its subject is that subject's verb
        ("a scooter zooms through the aisles"), not a move of the camera."""
        moves = [
            m
            for m in self.a.matches
            if m.category == "camera_move" and not self._other_subject_verb(m)
        ]
        # "pan left" holds "pan": keep the longest phrase at each place.
        return [
            m
            for m in moves
            if not any(
                o is not m
                and o.start <= m.start
                and m.end <= o.end
                and o.end - o.start > m.end - m.start
                for o in moves
            )
            and self._camera_move_counts(m)
        ]

    def _other_subject_verb(self, m: Match) -> bool:
        """A camera word as the finite verb of a subject that is not the camera ("a scooter
        zooms"; "the camera pans left" is a move)."""
        if not self._verb_after_subject(m):
            return False
        k = m.start - 1
        return not any(o.category == "camera_term" and o.start <= k < o.end for o in self.a.matches)

    @cached_property
    def stillness(self) -> Match | None:
        """The phrase asking for a frozen picture, if the prompt asks for one."""
        weak = None
        for m in self.a.matches:
            if m.start in self.a.quoted:
                continue
            if m.category == "still_strong":
                return m
            if weak is None and m.category == "still_weak":
                weak = m
        if weak is None:
            weak = next((m for m in self.camera_moves if m.camera()[0] == "static"), None)
        # A picture-like scene or a fixed camera only freezes the clip when nothing moves.
        if weak is not None and not self.has_motion:
            return weak
        return None

    # -- negation ---------------------------------------------------------------------------

    @cached_property
    def verbs(self) -> int:
        """Verbs read as actions or states (auxiliaries and modifiers left out); a finite
        verb with a pronoun subject opens a clause of its own and counts twice ("two ships
        battling as they sail")."""
        a = self.a
        count = 0
        for c in self.cues:
            if c.kind != "verb" or "modifies" in c.why:
                continue
            count += 1
            if a.tags[c.start] in ("VBZ", "VBP", "VBD") and prev_word(a, c.start) in PERSONS:
                count += 1
        return count

    # -- subject and details ----------------------------------------------------------------
