"""The opt-in LLM writer: any LangChain chat model drafts a short answer from numbered evidence.

The model is told to answer only from the evidence, end every sentence with [n] markers and
quote the exact words it relies on in 「」. Its reply is parsed into claims: each quote found
in evidence n becomes a citation of exactly that span; a marker without such a quote cites
the whole evidence chunk. Nothing here is trusted: the verifier decides what is shown.

LangChain integrations are imported lazily (``pip install 'minutes-rag[llm]'``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ..config import Settings
from ..domain import Citation, Claim, Draft, Evidence
from ..errors import ConfigError, LLMUnavailableError
from .verify import MARKER, evidence_text, find_verbatim, quoted

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

MAX_TOKENS = 384  # a short answer; also bounds a small local model that would ramble on

_SYSTEM_JA = """あなたは日本の政府の会議録について質問に答えるアシスタントです。次の規則を必ず守ってください。
- 下の番号付きの根拠だけを使って答え、根拠に書かれていないことは書かない。
- 日本語で、短く（3文以内で）答える。
- すべての文の末尾に、その文が依拠する根拠の番号を [1] のように付ける（複数なら [1][2]）。
- 依拠した語句は、根拠から一字一句変えずに「」で引用する。
- 根拠が質問に答えていない場合は「議事録には該当する記載がありません。」とだけ書く。"""

_SYSTEM_EN = """You answer questions about Japanese government meeting minutes. Follow these rules:
- Use only the numbered evidence below; never write anything it does not say.
- Answer in English, briefly (at most 3 sentences).
- End every sentence with the number(s) of the evidence it rests on, like [1] (or [1][2]).
- Quote the exact Japanese words you rely on, unchanged, in 「」.
- If the evidence does not answer the question, write only: The minutes do not answer this."""

# [1], ［１］, 【1】, [1, 2] and [1][2] all become canonical [1][2]
_LOOSE_MARKER = re.compile(r"[\[［【]\s*([0-9０-９]+(?:\s*[,，、]\s*[0-9０-９]+)*)\s*[\]］】]")
_BULLET = re.compile(r"^\s*(?:[-*・•]|\d+[.)]|#+)\s+")
_ENDS = "。！？!?"
_OPEN = {"「": "」", "『": "』", "“": "”"}


@dataclass(frozen=True)
class LLMWriter:
    """Drafts with a LangChain chat model; see the module doc for the contract."""

    model: "BaseChatModel"

    @property
    def name(self) -> str:
        model_name = getattr(self.model, "model_name", None) or getattr(self.model, "model", None)
        return f"llm:{model_name or type(self.model).__name__}"

    def draft(self, question: str, evidence: Sequence[Evidence], japanese: bool) -> Draft:
        try:
            reply = self.model.invoke(messages(question, evidence, japanese))
        except Exception as exc:
            _raise_if_unreachable(exc, self.model)
            raise
        return parse_reply(_text(reply.content), evidence, self.name)

    def from_reply(self, reply: str, evidence: Sequence[Evidence]) -> Draft:
        """The draft of a reply already received (streamed to the user while it was written)."""
        return parse_reply(reply, evidence, self.name)

    def stream(self, question: str, evidence: Sequence[Evidence], japanese: bool) -> Iterator[str]:
        """The reply as it is generated (for ``st.write_stream``); verify the whole afterwards."""
        try:
            for chunk in self.model.stream(messages(question, evidence, japanese)):
                piece = _text(chunk.content)
                if piece:
                    yield piece
        except Exception as exc:
            _raise_if_unreachable(exc, self.model)
            raise


def messages(question: str, evidence: Sequence[Evidence], japanese: bool) -> list["BaseMessage"]:
    """System rules, then the numbered evidence (with where each item stands) and the question."""
    from langchain_core.messages import HumanMessage, SystemMessage

    items = "\n\n".join(f"[{e.n}] {evidence_text(e.chunk)}" for e in evidence)
    if japanese:
        body = f"根拠:\n{items}\n\n質問: {question}"
    else:
        body = f"Evidence:\n{items}\n\nQuestion: {question}"
    return [SystemMessage(_SYSTEM_JA if japanese else _SYSTEM_EN), HumanMessage(body)]


def parse_reply(reply: str, evidence: Sequence[Evidence], writer: str) -> Draft:
    """Claims with evidence-numbered citations: each quote found in a marked item is cited as
    exactly that span; a marked item none of the quotes were found in is cited whole."""
    items = {e.n: e for e in evidence}
    claims: list[Claim] = []
    for sentence in split_sentences(canonical_markers(reply)):
        markers = list(dict.fromkeys(int(m) for m in MARKER.findall(sentence)))
        quotes = [sentence[a:b] for a, b in quoted(sentence) if sentence[a:b].strip()]
        citations: list[Citation] = []
        for n in markers:
            if n not in items:
                continue  # the verifier reports it (bad_marker)
            chunk = items[n].chunk
            spans = [s for s in (find_verbatim(q, chunk.text) for q in quotes) if s]
            for i, j in dict.fromkeys(spans) or [(0, len(chunk.text))]:
                citations.append(Citation(n, chunk, chunk.text[i:j], chunk.start + i, chunk.start + j))
        claims.append(Claim(sentence, tuple(citations)))
    return Draft(writer=writer, claims=tuple(claims))


def canonical_markers(text: str) -> str:
    def one(m: re.Match) -> str:
        numbers = re.split(r"\s*[,，、]\s*", unicodedata.normalize("NFKC", m.group(1)))
        return "".join(f"[{int(n)}]" for n in numbers)

    return _LOOSE_MARKER.sub(one, text.replace("**", ""))


def split_sentences(text: str) -> list[str]:
    """Sentences of a reply, each with the [n] markers that follow it; 。 inside 「」 does not
    split, and a marker group at the start of a line belongs to what follows it."""
    out: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line)
        start, i, closers = 0, 0, []
        while i < len(line):
            ch = line[i]
            if ch in _OPEN:
                closers.append(_OPEN[ch])
            elif closers and ch == closers[-1]:
                closers.pop()
            elif not closers and (ch in _ENDS or (ch == "." and (i + 1 == len(line) or line[i + 1] in " [\t"))):
                i = _after_markers(line, i + 1)
                out.append(line[start:i].strip())
                start = i
                continue
            elif not closers and ch == "[" and MARKER.match(line, i) and line[start:i].strip():
                j = _after_markers(line, i)
                if j >= len(line) or line[j].isspace():
                    out.append(line[start:j].strip())
                    start = i = j
                    continue
            i += 1
        rest = line[start:].strip()
        if rest:
            out.append(rest)
    return [s for s in out if s]


def _after_markers(line: str, i: int) -> int:
    """Index after the [n] markers (and spaces between them) starting at ``i``."""
    j = i
    while True:
        k = j
        while k < len(line) and line[k] in " \t":
            k += 1
        m = MARKER.match(line, k)
        if not m:
            return j
        j = m.end()


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content
                       if isinstance(b, str) or (isinstance(b, dict) and b.get("type") == "text"))
    return ""


_UNREACHABLE = {"APIConnectionError", "APITimeoutError", "ConnectError", "ConnectTimeout", "ReadTimeout"}


def _raise_if_unreachable(exc: BaseException, model: Any) -> None:
    """A server that is down or unreachable is something the user can fix: say where."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (ConnectionError, TimeoutError)) or type(seen).__name__ in _UNREACHABLE:
            where = getattr(model, "openai_api_base", None) or getattr(model, "base_url", None) or "the default endpoint"
            raise LLMUnavailableError(
                f"the LLM server at {where} cannot be reached ({type(seen).__name__}); "
                "check RAG_LLM_BASE_URL, or unset RAG_LLM for extractive answers"
            ) from exc
        seen = seen.__cause__ or seen.__context__


def make_chat_model(settings: Settings, max_tokens: int = MAX_TOKENS) -> "BaseChatModel":
    """The chat model RAG_LLM names: ``openai`` (any OpenAI-compatible endpoint) or ``ollama``."""
    if settings.llm is None:
        raise ConfigError("RAG_LLM is not set: set RAG_LLM=openai or RAG_LLM=ollama (and RAG_LLM_MODEL) to use an LLM writer")
    if settings.llm == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise ConfigError("RAG_LLM=openai needs langchain-openai: pip install 'minutes-rag[llm]'") from None
        kwargs: dict[str, Any] = dict(model=settings.llm_model, api_key=settings.llm_api_key or "not-needed",
                                      temperature=0, timeout=180, max_retries=1)
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
            # self-hosted servers (llama-cpp-python, older vLLM) read max_tokens, not max_completion_tokens
            kwargs["extra_body"] = {"max_tokens": max_tokens}
        else:
            kwargs["max_tokens"] = max_tokens
        return ChatOpenAI(**kwargs)
    if settings.llm == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError:
            raise ConfigError("RAG_LLM=ollama needs langchain-ollama: pip install 'minutes-rag[llm]'") from None
        kwargs = dict(model=settings.llm_model, temperature=0, num_predict=max_tokens)
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
        return ChatOllama(**kwargs)
    raise ConfigError(f"RAG_LLM={settings.llm!r} is not one of openai, ollama")
