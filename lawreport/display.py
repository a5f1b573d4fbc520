"""Notebook views: entities in our colours, sentence classes as highlighted text.

    >>> lawreport.show(doc)          # renders in Jupyter; str(...) gives the HTML

:func:`show` returns a :class:`Rendering`, whose ``_repr_html_`` Jupyter
calls, so the same call works in a notebook and in a script (``.html``).
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass

from spacy import displacy
from spacy.tokens import Doc, Span

ENTITY_COLOURS = {"DISTRICT": "#9ecae1", "MEASURE": "#fdd0a2", "NUMBER": "#a1d99b", "UNIT": "#dadaeb"}
CLASS_COLOURS = {"ACHIEVEMENT": "#c7e9c0", "SHORTFALL": "#fcbba1", "PLAN": "#c6dbef", "OTHER": "#f0f0f0"}


@dataclass
class Rendering:
    """HTML for a notebook cell or a file."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def entities_html(doc: Doc) -> str:
    """displaCy's entity view with the lawreport colours (no warning for a Doc without entities)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W006\]")
        return displacy.render(doc, style="ent", page=False, jupyter=False, options={"colors": ENTITY_COLOURS})


def sentences_html(doc: Doc) -> str:
    """Each sentence on its class colour, with a legend and the probability on hover."""
    legend = " ".join(
        f'<span style="background:{colour};padding:2px 6px;border-radius:3px">{name}</span>'
        for name, colour in CLASS_COLOURS.items()
    )
    parts = []
    for sent in _sentences(doc):
        colour = CLASS_COLOURS.get(sent._.category or "OTHER", "#ffffff")
        score = (sent._.category_scores or {}).get(sent._.category or "", None)
        title = f"{sent._.category} {score:.2f}" if score is not None else (sent._.category or "")
        text = html.escape(sent.text).replace("\n", "<br>")
        parts.append(f'<span title="{html.escape(title)}" style="background:{colour}">{text}</span>')
    return (
        f'<div class="lawreport-legend" style="margin-bottom:8px">{legend}</div>'
        f'<div class="lawreport-sentences" style="line-height:1.9">{"".join(parts)}</div>'
    )


def _sentences(doc: Doc) -> list[Span]:
    """The Doc's sentences, or the whole Doc as one unclassified piece when nothing set
    sentence boundaries (``nlp.make_doc``, another pipeline): a view, not an error."""
    return list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]


def show(doc: Doc, *, entities: bool = True, sentences: bool = True) -> Rendering:
    """Entities (displaCy) and sentence classes of ``doc`` as one HTML view."""
    pieces = []
    if entities:
        pieces.append("<h4>Entities</h4>" + entities_html(doc))
    if sentences:
        pieces.append("<h4>Sentence classes</h4>" + sentences_html(doc))
    return Rendering("\n".join(pieces))
