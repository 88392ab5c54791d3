"""The fixed texts the benchmark renders (plain English, read with the app's default voice)."""

from __future__ import annotations

# Eight paragraphs, about 110 s of speech (jf_alpha): the plain kokoro-onnx loop and the app's generate-all.
PARAGRAPHS = [
    "The lighthouse stood at the end of the long stone pier, where the harbour wall met the open "
    "sea. Every evening the keeper climbed the one hundred and twelve steps and lit the lamp. He did "
    "it whatever the weather, in summer calm and in the worst of the winter storms.",
    "Ships passing in the night looked for its beam and knew where the rocks were. Nobody in the "
    "village remembered a night when the light had failed, and the fishermen said that the keeper "
    "slept only in the daytime, if he slept at all.",
    "The keeper's father had tended the light before him, and his grandfather before that. Each of "
    "them had written the hours of every night in a thick leather book, with the wind, the sea and "
    "any ship that passed close enough to see.",
    "The books filled a shelf in the small room at the foot of the tower. On quiet evenings the "
    "keeper would take one down and read what the weather had been on the same night, fifty or a "
    "hundred years before.",
    "Some pages told of ships that came too close and turned away just in time. Others told of "
    "nothing at all, only the wind, the rain and the turning light, hour after hour, until the sun "
    "came up over the hills behind the village.",
    "When the new electric lamp was installed, people said the keeper would no longer be needed. "
    "The engineers from the city showed him the switch and the clock that would turn the light on "
    "and off by itself, and they went home on the evening train.",
    "He kept climbing the steps all the same, to see that the glass was clean and that the clock "
    "had not stopped. The sea did not care whether the lamp burned oil or electricity; it only "
    "mattered that someone watched it through the night.",
    "Years later, when the tower was painted and opened to visitors, the leather books were put in "
    "a glass case by the door. Children pressed their noses to the glass and tried to read the "
    "small, careful handwriting of three generations of keepers.",
]

# The segments of the in-process generate-all: one to three sentences each, as a user's project.
SENTENCES = [
    "The lighthouse stood at the end of the long stone pier.",
    "Every evening the keeper climbed the stairs and lit the lamp, whatever the weather.",
    "Ships passing in the night looked for its beam and knew where the rocks were.",
    "Nobody remembered a night when the light had failed.",
]


def segment_text(n: int) -> str:
    return " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(1 + n % 3))


# 200 words (about 60 s of speech): previewed with Play while it renders.
_WORDS = " ".join(PARAGRAPHS).split()
PREVIEW_200_WORDS = " ".join(_WORDS[:200]).rstrip(",;.") + "."

SMOKE_PARAGRAPHS = ["The lamp was lit.", "Ships passed in the night."]
SMOKE_PREVIEW = "The keeper climbed the stairs. He lit the lamp, whatever the weather."
