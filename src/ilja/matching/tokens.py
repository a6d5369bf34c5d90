"""Korean text to terms for the fit score, with Kiwi (kiwipiepy ships its own model).

Only content words are kept: nouns (NNG, NNP), roots (XR), foreign words (SL, lower-cased),
Chinese characters (SH), and numbers with their unit ("3년"). A word the skill vocabulary knows
becomes its skill id (``ilja.matching.vocabulary``), so TypeScript and 타입스크립트 are one term. A
small lexicon keeps job words whole that Kiwi would split ("백엔드" → 백 + 엔드), and a synonym
table maps Korean spellings of tools to one term ("파이썬" → "python"), so a posting that asks
for Python finds the trainee who wrote 파이썬.

One ``Kiwi`` per process, built on first use (loading the model takes about a second).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from ilja.matching.vocabulary import Vocabulary, key, vocabulary

KEPT_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})

# Job words Kiwi would otherwise split; added as user words (general nouns).
LEXICON: tuple[str, ...] = (
    "백엔드", "프론트엔드", "풀스택", "데브옵스", "머신러닝", "딥러닝", "빅데이터", "클라우드",
    "데이터베이스", "자연어처리", "컴퓨터비전", "사물인터넷", "블록체인", "핀테크", "챗봇",
    "생성형", "프롬프트", "정보처리기사", "빅데이터분석기사", "웹개발", "앱개발", "잡코디",
)

# Korean spellings of tools and words for the same thing, mapped to one term.
SYNONYMS: dict[str, str] = {
    "파이썬": "python", "자바": "java", "자바스크립트": "javascript", "js": "javascript",
    "장고": "django", "스프링": "spring", "리액트": "react", "도커": "docker",
    "쿠버네티스": "kubernetes", "k8s": "kubernetes", "리눅스": "linux", "엑셀": "excel",
    "텐서플로": "tensorflow", "파이토치": "pytorch", "깃": "git", "깃허브": "github",
    "인공지능": "ai", "엘엘엠": "llm", "에스큐엘": "sql", "판다스": "pandas", "태블로": "tableau",
    "에이더블유에스": "aws", "애저": "azure", "머신러닝": "ml", "machinelearning": "ml",
}

_lock = threading.Lock()
_kiwi: Any = None
_kiwi_pid: int | None = None


def kiwi() -> Any:
    """The process's Kiwi analyser, built lazily (a forked worker builds its own)."""
    global _kiwi, _kiwi_pid
    if _kiwi is None or _kiwi_pid != os.getpid():
        with _lock:
            if _kiwi is None or _kiwi_pid != os.getpid():
                # lazy: optional heavy dependency (kiwipiepy), loaded only when this feature runs
                from kiwipiepy import Kiwi

                analyser = Kiwi()
                for word in LEXICON:
                    analyser.add_user_word(word, "NNG")
                for word in SYNONYMS:
                    if not word.isascii():
                        analyser.add_user_word(word, "NNP")
                words = vocabulary().user_words()
                for word, tokens in zip(words, analyser.tokenize(words), strict=True):
                    if len(tokens) > 1 or not tokens[0].tag.startswith("NN"):
                        analyser.add_user_word(word, "NNP")
                _kiwi, _kiwi_pid = analyser, os.getpid()
    return _kiwi


def normalise(form: str, tag: str) -> str:
    """One term for a kept morpheme: a vocabulary skill's id (타입스크립트 → typescript), else
    foreign words lower-cased and the few synonyms mapped."""
    term = form.lower() if tag == "SL" else form
    return vocabulary().skill(term) or SYNONYMS.get(term, term)


def _terms(tokens: Sequence[Any]) -> list[str]:
    """Content words, and numbers with their unit kept together ("3년", "40시간")."""
    out = []
    for i, t in enumerate(tokens):
        if t.tag in KEPT_TAGS:
            out.append(normalise(t.form, t.tag))
        elif t.tag == "SN" and i + 1 < len(tokens) and tokens[i + 1].tag in ("NNB", "NNG"):
            out.append(t.form + tokens[i + 1].form)
    return out


def tokenize(text: str) -> list[str]:
    """The terms of one text, in order (repeats kept: they count in the term frequency)."""
    if not text or not text.strip():
        return []
    return _terms(kiwi().tokenize(text))


def analyse_many(texts: Sequence[str]) -> list[tuple[list[str], list[str]]]:
    """Each text's terms and the vocabulary skills it names, from one Kiwi pass; each distinct
    text is analysed once."""
    unique = sorted({t for t in texts if t and t.strip()})
    analysed: dict[str, tuple[list[str], list[str]]] = {}
    if unique:
        vocab = vocabulary()
        for text, tokens in zip(unique, kiwi().tokenize(unique), strict=True):
            analysed[text] = (_terms(tokens), vocab.skills_in_tokens(text, tokens))
    return [analysed.get(t, ([], [])) for t in texts]


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    """``tokenize`` for many texts; each distinct text is analysed once."""
    return [terms for terms, _ in analyse_many(texts)]


def skills_in(text: str, vocab: Vocabulary | None = None) -> list[str]:
    """Skills named anywhere in a free text."""
    if not text or not text.strip():
        return []
    return (vocab or vocabulary()).skills_in_tokens(text, kiwi().tokenize(text))


def entry_skills(vocab: Vocabulary, entry: str) -> tuple[str, ...]:
    """The skills of one list entry as an employer or trainee wrote it: the whole entry if the
    vocabulary knows it, else the skills named in it, else the entry itself as an unknown skill
    (``?`` + its lookup form) that matches only the same words."""
    whole = vocab.skill(entry)
    if whole is not None:
        return (whole,)
    inside = skills_in(entry, vocab)
    return tuple(inside) if inside else (f"?{key(entry)}",)


def skills_of(vocab: Vocabulary, entries: Iterable[str]) -> list[str]:
    """Every skill of a list, each once."""
    return list(dict.fromkeys(s for e in entries if e and e.strip() for s in entry_skills(vocab, e)))
