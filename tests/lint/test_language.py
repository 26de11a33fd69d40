"""Labelled prompts the motion, stillness and vagueness rules must get right.

Cases come from the Grok guide's weak/better pairs (../shared/reference), PROMPTING.md's
examples, and the kinds of sentence prompt authors write (verb forms, event nouns,
environmental motion, camera moves, change over time).
"""

from __future__ import annotations

import pytest

from promptkit.lint import lint_prompt


def names(text: str) -> set[str]:
    return {d.name for d in lint_prompt(text)}


# (weak, better) from the guide: the rule that fires on the weak one stays quiet on the rewrite.
GUIDE_PAIRS = [
    (
        "A coffee mug.",
        "A white ceramic coffee mug on a wooden table beside a rain-streaked window.",
        "vague-subject",
    ),
    (
        "A coffee mug on a table.",
        "A white ceramic coffee mug on a wooden table. Steam curls upward while raindrops slide "
        "down the window behind it.",
        "missing-motion",
    ),
    (
        "A car on a road.",
        "A red sports car speeds along a winding mountain road. The camera follows from behind as "
        "trees blur past on both sides.",
        "missing-motion",
    ),
    (
        "A car on a road.",
        "A red sports car speeds along a winding mountain road. The camera follows from behind as "
        "trees blur past on both sides.",
        "vague-subject",
    ),
    # PROMPTING.md §2 (S1 weak -> strong)
    (
        "A man.",
        "Actor takes four steps to the window, pauses, and pulls the curtain in the final second.",
        "missing-motion",
    ),
    ("a horse", "A chestnut horse gallops along a misty beach at sunrise.", "too-short"),
    (
        "A beach with no clouds and no people.",
        "An empty beach under a clear sky, waves rolling in.",
        "negation",
    ),
]


@pytest.mark.parametrize(("weak", "better", "rule"), GUIDE_PAIRS)
def test_weak_prompt_is_flagged_and_its_rewrite_is_not(weak: str, better: str, rule: str) -> None:
    assert rule in names(weak)
    assert rule not in names(better)


MOVING = [
    "a horse race is happening",  # event noun
    "A person is rock climbing",  # progressive after noun modifiers
    "The children swam across the lake.",  # irregular past
    "A kangaroo disco dances.",  # third person
    "Flowers sway in the wind.",  # plural subject, base form
    "A red flag on a pole in strong wind.",  # natural motion
    "A crowded night market in Taipei, crowds everywhere.",
    "An empty harbor, slow dolly in toward the lighthouse.",  # camera move
    "Garden, zoom in.",
    "A river changes from blue to brown.",  # change over time
    "Time-lapse of a city skyline from noon to night.",
    "A lighthouse on a cliff in super slow motion.",
    "A man with a crown sits on a throne and then a new man takes the crown.",
    "Falling leaves over a quiet pond.",  # participle of a motion verb before a noun
    "A paper plane is thrown across the classroom.",  # passive with a path
    # motion verbs no hand list had (WordNet's verb.motion)
    "A fox scampers across the frozen yard.",
    "A black cat slinks along the garden fence.",
    "A red buoy bobs on the harbor water.",
    "Hailstones pelt the tin roof of a barn.",
    # change of state (verb.change)
    "A green tomato ripens to red on the vine.",
    "The mirror fogs up in the steamy bathroom.",
    # facial movement (verb.body)
    "The old man furrows his brow and frowns.",
    "Her forehead creases as she reads the letter.",
    "He arches an eyebrow at the camera.",
    # noun/verb confusions: the clause needs its verb
    "The delivery van parks beside the curb.",
    "The tired cat lets out a yawn.",
    # an explicit request for motion
    "Dynamic movement, a kite over a windy beach.",
    # a stillness word does not override real motion
    "A tableau of a mountain village as a raging blizzard sweeps through it.",
    # a caption's subject, adverb and third-person verb (the tagger's caption register)
    "A sloth slowly climbs the tree.",
    "harbor at dawn, a heron wades left",
    # the subject selects the senses its verb can have (WordNet's sentence frames)
    "A dancer is stretching her arms by the window.",
    # "out of" is one preposition, not the particle of "jump out" ("stand out")
    "A boy in a red cap jumps out of the boat.",
    # "do" with an object is the main verb; its object is the act
    "A skater does a kickflip in an empty pool.",
    # the progressive reports an activity, whoever does it
    "A teapot is singing on the stove.",
    # a camera word used as a finite verb after its subject is the verb
    "Her eyebrows shot up in surprise.",
    # the members of a group do what the group does
    "A herd of goats graze on the hillside.",
    # a caption's predicate may close it after a place
    "a surfer off the rocky beach paddling",
    # a river's water moves: only an attested stative sense describes its course
    "A wide river flowing past an old mill.",
    # an image opening the prompt names the clip's medium, not a thing in the scene
    "A photo of a dog running along a beach.",
    # a path after a verb of state moves a person or animal
    "An old shepherd leading his flock across the hill.",
    # a bare noun after the verb is the subject's own attribute: a change
    "Maple leaves on a branch, changing color.",
    # a camera word after another subject is that subject's verb
    "A sports car zooms past a gas station.",
]
STILL = [
    "A coffee mug on a table.",
    "a stop sign",  # verb-shaped noun after an article
    "skis",  # plural noun, not "he skis"
    "a parking meter",
    "indoor swimming pool",  # compound noun
    "a traffic light",
    "A portrait of a woman sitting on a bench.",  # a posture, not an action
    "A painting of a ship on a red wall.",
    "kitchen with a dining table and a rocking chair",
    "cherry blossoms over a stone bridge",
    # gerunds and participles used as nouns or adjectives
    "A Chris Ofili painting of a lighthouse keeper.",
    "A woman with striking blue eyes and her warm smile.",
    # resulting states
    "A cave filled with glittering crystals.",
    "A wicker basket placed below the kitchen window.",
    "A blue car parked next to a red fire hydrant.",
    # static framing is not a camera move
    "An aerial view of a pine forest in autumn.",
    # a motion verb describing a place's shape
    "A winding road through green hills.",
    # light emission and states
    "A crystal chandelier glows above an empty ballroom.",
    "An old lighthouse stands on a rocky cliff.",
    # light moving along a path is illumination (emanation), not a body moving
    "Moonlight pouring through the tall windows of an empty hall.",
    # a thing that reflects or shines something is not handling it
    "A marble statue, its polished face reflecting the candlelight.",
    # a gloss of not moving ("not move; be in a resting position") is a posture
    "A violin resting on a velvet chair.",
    # a negated camera move does not move the camera
    "A bowl of lemons on a table, no zoom in.",
    # an -ing word after an adjective heads a noun phrase
    "A leather ball with red stitching lay on the grass.",
    # a one-word fragment of a tag list has no subject, so it is no present-tense verb
    "studio photo of a vase, shadows, reflections, soft light",
    # the course of a body of water (an attested stative sense: "extend in curves")
    "A valley with a stream winding through it.",
    # what a still image in the scene shows does not move
    "A bakery wall with a poster of a horse galloping.",
    # a path after a verb of state with a thing as subject traces where it lies
    "A wooden pier extending over a calm lake.",
    # a participle clause acting on a quality of the scene moves nothing
    "A red tulip on a windowsill, adding a warm glow to the room.",
]


@pytest.mark.parametrize("text", MOVING)
def test_prompt_with_motion_is_not_missing_motion(text: str) -> None:
    assert "missing-motion" not in names(text)


@pytest.mark.parametrize("text", STILL)
def test_prompt_without_motion_is_missing_motion(text: str) -> None:
    assert "missing-motion" in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "In a still frame, a stop sign",
        "a laptop, frozen in time",
        "A tranquil tableau of a bowl on the kitchen counter",
        "Static shot of an empty corridor.",
        "In a still frame, a pond where blossoms drift lazily onto the glassy surface",
    ],
)
def test_stillness_request_is_static_request_not_missing_motion(text: str) -> None:
    found = names(text)
    assert "static-request" in found
    assert "missing-motion" not in found


def test_static_camera_over_a_moving_subject_is_fine() -> None:
    found = names("Static shot: a chef flips a pancake in a busy kitchen.")
    assert "static-request" not in found and "missing-motion" not in found


@pytest.mark.parametrize(
    "text",
    [
        "A dancer spins. Cut to the crowd, camera pans left then pans right.",
        "Slow push-in on the singer, then a slow pull back.",
    ],
)
def test_contradictory_moves_in_one_shot_are_flagged(text: str) -> None:
    assert "conflicting-camera-moves" in names(text)


def test_opposite_moves_in_different_shots_are_fine() -> None:
    text = "Slow push-in on the singer. Cut to the crowd, slow pull back."
    assert "conflicting-camera-moves" not in names(text)


def test_a_cooking_pan_is_not_a_camera_pan() -> None:
    text = "A cook places a frying pan on the stove and then lifts the pan, zoom in."
    assert "conflicting-camera-moves" not in names(text)


def test_a_vehicle_zooming_is_not_a_camera_zoom() -> None:
    text = "Tracking shot, a scooter zooms down the hallway."
    assert "conflicting-camera-moves" not in names(text)


def test_extra_vocabulary_extends_a_category() -> None:
    from promptkit.lint import LintConfig

    text = "A ceramic mug on an oak table, warm window light, risograph print."
    assert "missing-style" in {d.name for d in lint_prompt(text)}
    config = LintConfig(extra_vocab={"style": ("risograph",)})
    assert "missing-style" not in {d.name for d in lint_prompt(text, config=config)}


VAGUE = [
    "a pineapple, hand-held camera",  # a camera tag is not a detail
    "A man eating an apple.",  # a simple action is not a detail
    "A dog in a park, oil painting style",  # nor is a style tag
    "Chimneys in the setting sun",  # nor is light
]
SPECIFIC = [
    "A rectangular book with an embossed title",  # adjectives no hand list had
    "Juicy mangoes in a woven basket",
    "Spicy chicken in creamy tomato sauce.",
    "A middle-aged woman with short silver hair and glasses.",
]


@pytest.mark.parametrize("text", VAGUE)
def test_a_generic_subject_with_tags_or_a_simple_action_is_vague(text: str) -> None:
    assert "vague-subject" in names(text)


@pytest.mark.parametrize("text", SPECIFIC)
def test_a_subject_with_two_details_is_specific(text: str) -> None:
    assert "vague-subject" not in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "The flowers are not alone in the meadow; bees circle them.",
        "A dog runs without looking back, wind in its fur.",
        'A road sign reading "NO PARKING" sways in the wind.',
    ],
)
def test_descriptive_negation_is_not_an_instruction(text: str) -> None:
    assert "negation" not in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "A beach at sunrise with no people, waves rolling in.",
        "A city street at night without cars, rain falling.",
        "Do not show any text. A fox runs through the snow.",
    ],
)
def test_an_instruction_to_leave_something_out_is_flagged(text: str) -> None:
    assert "negation" in names(text)


def test_every_motion_message_names_the_words_it_read() -> None:
    found = [d for d in lint_prompt("A woman sitting on a bench.") if d.name == "missing-motion"]
    assert found and "'sitting' is a posture" in found[0].message
    assert "'woman'" in found[0].help
