"""Hand-written mutations of what mutmut does not cover here: does the fast test suite notice
a broken rule?

mutmut (docs/mutation.md) mutates the answer policy — intent/, answer/, answerers/,
retrieve/similarity.py — and the store side with the unit tier. These named one-line changes
(flip a comparison, drop a condition, disable a call, change a constant, …) cover the rest:
the llm mode's writer and its draft check, the chain, hybrid retrieval and the rerank, the
lexical index, the conversation and coreference, input bounds, chunking, the evaluation's
metrics and ui/render.py. For each, the script applies it to a copy of the tree, runs the
fast unit tests there with this project's venv, records whether they failed (the mutation is
*killed*) or passed (it *survived*), restores the file, and finally prints a table and the
kill rate.

    .venv/bin/python benchmarks/mutate.py                       # every mutation
    .venv/bin/python benchmarks/mutate.py --only verify-skipped # one of them
    .venv/bin/python benchmarks/mutate.py --tests tests/test_unit_reader.py
    .venv/bin/python benchmarks/mutate.py --list

Every original snippet must occur exactly once in its file; the script refuses to run (exit
code 2) otherwise, so a refactor cannot silently turn a mutation into a no-op. Exit code 1
when the kill rate is under ``--min-kill-rate`` (default 0.9).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"

# The fast tests: no real models, no Chroma, each well under a second.
DEFAULT_TESTS = (
    "tests/test_unit_reader.py",
    "tests/test_unit_retrieval.py",
    "tests/test_unit_conversation.py",
    "tests/test_unit_similarity.py",
    "tests/test_unit_citations.py",
    "tests/test_unit_abstention.py",
    "tests/test_unit_chain.py",
    "tests/test_unit_short_answer.py",
    "tests/test_unit_shaped_answers.py",
    "tests/test_answer_types.py",
    "tests/test_citations.py",
    "tests/test_chunking.py",
    "tests/test_eval_metrics.py",
    "tests/test_loading.py",
    "tests/test_unit_bounds.py",
    "tests/test_unit_llm.py",
    "tests/test_unit_rerank.py",
    "tests/test_unit_lexical.py",
)
# Not copied: the venv (used in place), git, the vector store and caches.
IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "vectorstore", "__pycache__", ".mypy_cache", ".ruff_cache",
    ".pytest_cache", "*.egg-info",
)  # fmt: skip
TIMEOUT = 120  # seconds per mutation run; a hang counts as killed (the tests noticed)


@dataclass(frozen=True, slots=True)
class Mutation:
    name: str
    file: str
    original: str
    replacement: str


M = Mutation
MUTATIONS: tuple[Mutation, ...] = (
    # --- grounding.py: the check of a written (LLM) draft ----------------------------------
    M("ground-subset-not-quote", "assistant/answer/grounding.py",
      "    return bool(quoted) and quoted == _as_quoted(evidence)",
      "    return bool(quoted) and quoted in _as_quoted(evidence)"),
    M("ground-questions-support", "assistant/answer/grounding.py",
      "    if QUESTION_MARK.search(evidence):",
      "    if evidence.endswith('?'):"),
    M("ground-articles-kept", "assistant/answer/grounding.py",
      '    bare = _ARTICLE.sub(" ", folded.casefold())',
      "    bare = folded.casefold()"),
    M("ground-case-kept", "assistant/answer/grounding.py",
      'bare = _ARTICLE.sub(" ", folded.casefold())',
      'bare = _ARTICLE.sub(" ", folded)'),
    M("ground-dashes-unfolded", "assistant/answer/grounding.py",
      'folded = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_DASHES)',
      'folded = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)'),
    M("ground-repeats-kept", "assistant/answer/grounding.py",
      "        if _as_quoted(claim) in said:",
      "        if False:"),
    M("ground-off-topic-kept", "assistant/answer/grounding.py",
      "        return bool(self.question & content_words(passage.chunk.sentence_texts()[index]))",
      "        return True"),
    M("ground-relevance-margin-off", "assistant/answer/grounding.py",
      "        if self.score(passage, index) < self.best - POLICY.relevance_margin:",
      "        if False:"),
    M("ground-draft-uncleaned", "assistant/answer/grounding.py",
      "fold(clean_draft(text))",
      "fold(text)"),
    M("ground-sentence-cap-off", "assistant/answer/grounding.py",
      " or len(kept_text) >= POLICY.max_checked_sentences:",
      ":"),
    M("ground-no-reattach", "assistant/answer/grounding.py",
      "            others = (_evidence(claim, p, on_topic) for p in passages if p is not named)",
      "            others = (_evidence(claim, p, on_topic) for p in passages if marker is None)"),
    M("ground-uncited-never-attached", "assistant/answer/grounding.py",
      "            others = (_evidence(claim, p, on_topic) for p in passages if p is not named)",
      "            others = (_evidence(claim, p, on_topic) for p in passages if marker)"),
    M("ground-marker-lists-kept", "assistant/answer/grounding.py",
      '    text = _MARKER_RUN.sub(r"\\1", _MARKER_LIST.sub(r"[\\1]", fold(clean_draft(text))))',
      "    text = fold(clean_draft(text))"),
    M("short-carried-anywhere", "assistant/answer/grounding.py",
      "citation.start <= short.start < short.end <= citation.end:",
      "True:"),
    # --- chain.py's write step, the chat reader, the CLI's llm options ---------------------
    M("writer-called-when-refused", "assistant/chain.py",
      "        if writer is None or not asked.write or gated.abstained:",
      "        if writer is None or not asked.write:"),
    M("writer-nothing-held-kept", "assistant/chain.py",
      "        if not grounded.citations:  # nothing held: the extractive answer stands",
      "        if False:"),
    M("writer-passages-all", "assistant/chain.py",
      "        passages = gated.read.passages[:writer_passages]",
      "        passages = gated.read.passages"),
    M("writer-short-dropped", "assistant/chain.py",
      "        short = carry_short(gated.short, gated.citations, grounded.citations)",
      "        short = None"),
    M("stream-unchecked-text", "assistant/chain.py",
      "        heard = None if asked.on_text is None else _checked(asked.on_text, passages, topic)",
      "        heard = asked.on_text"),
    M("stream-dropped-sentences", "assistant/chain.py",
      "                if kept.citations:",
      "                if True:"),
    M("writer-bug-escapes", "assistant/chain.py",
      "        except Exception as exc:  # a writer's own fault: the extractive answer, and why",
      "        except LLMServerError as exc:  # mutated"),
    M("prompt-tags-forgeable", "assistant/answer/chat_reader.py",
      '    return visible.replace("<", "‹").replace(">", "›")',
      "    return visible"),
    M("chat-reader-not-streamed", "assistant/answer/chat_reader.py",
      "            if piece and request.on_text is not None:",
      "            if False:"),
    M("chat-reader-no-deadline", "assistant/answer/chat_reader.py",
      "                piece = pieces.get(timeout=max(0.0, ends - time.monotonic()))",
      "                piece = pieces.get()"),
    M("chat-reader-draft-unbounded", "assistant/answer/chat_reader.py",
      "            piece = clean_draft(piece)[: MAX_DRAFT_CHARS - len(text)]",
      "            piece = clean_draft(piece)"),
    M("chat-reader-shows-password", "assistant/answer/chat_reader.py",
      "where=shown_url(url),",
      "where=url,"),
    M("cli-llm-options-ignored", "assistant/cli/common.py",
      '    if any(v is not None for v in given.values()) and getattr(args, "mode", None) != "llm":',
      "    if False:"),
    # --- reader.py, candidates.py -----------------------------------------------------------
    M("reader-predecessor-rule-off", "assistant/answer/candidates.py",
      "    if not leans_on_previous(chunk, index):",
      "    if True:"),
    M("reader-predecessor-any-source", "assistant/answer/candidates.py",
      "c.passage.chunk.source == chunk.source and c.span == previous",
      "c.span == previous"),
    M("reader-last-passage-wins", "assistant/answer/candidates.py",
      "            if key not in found:",
      "            if True:"),
    M("reader-worst-first", "assistant/answer/candidates.py",
      "    return sorted(found.values(), key=lambda c: -c.score)",
      "    return sorted(found.values(), key=lambda c: c.score)"),
    # --- retrieval.py ------------------------------------------------------------------------
    M("retrieval-bm25-disabled", "assistant/retrieve/hybrid.py",
      "        lexical = store.bm25_search(self._with_aliases(query), config.bm25_k)",
      "        lexical = store.bm25_search(query, 0)[:0]"),
    M("retrieval-dense-disabled", "assistant/retrieve/hybrid.py",
      "        dense = store.dense_search(embedder.embed_query(query), config.dense_k)",
      "        dense = store.dense_search(embedder.embed_query(query), config.dense_k)[:0]"),
    M("rrf-ranks-from-zero", "assistant/retrieve/hybrid.py",
      "        for rank, chunk_id in enumerate(ids, start=1):",
      "        for rank, chunk_id in enumerate(ids, start=0):"),
    M("rrf-weights-ignored", "assistant/retrieve/hybrid.py",
      "fused.get(chunk_id, 0.0) + weight / (rrf_k + rank)",
      "fused.get(chunk_id, 0.0) + 1.0 / (rrf_k + rank)"),
    M("passage-near-duplicate-filter-off", "assistant/retrieve/hybrid.py",
      "            if is_near_duplicate(text, [c.text for c in candidates], "
      "config.duplicate_threshold):",
      "            if False:"),
    M("rerank-candidates-ignore-top-k", "assistant/retrieve/hybrid.py",
      "            if len(candidates) == max(config.rerank_candidates, config.top_k):",
      "            if len(candidates) == config.rerank_candidates:"),
    M("follow-up-averaging-off", "assistant/retrieve/hybrid.py",
      "        if question and question != query:",
      "        if False:"),
    M("follow-up-own-scores-only", "assistant/retrieve/hybrid.py",
      "            scores = {key: (value + own[key]) / 2 for key, value in scores.items()}",
      "            scores = {key: own[key] for key, value in scores.items()}"),
    M("passages-ordered-by-fusion", "assistant/retrieve/hybrid.py",
      "        passages.sort(key=lambda p: (-p.score, -p.fused_score))",
      "        passages.sort(key=lambda p: (-p.fused_score, -p.score))"),
    M("top-k-ignored", "assistant/retrieve/hybrid.py",
      '        return [p for p in passages if p.score != float("-inf")][: config.top_k]',
      '        return [p for p in passages if p.score != float("-inf")]'),
    M("unscored-passages-kept", "assistant/retrieve/hybrid.py",
      '        return [p for p in passages if p.score != float("-inf")][: config.top_k]',
      "        return passages[: config.top_k]"),
    M("top-k-argument-ignored", "assistant/retrieve/hybrid.py",
      "            config = replace(config, top_k=top_k)",
      "            pass"),
    M("context-scoring-off", "assistant/retrieve/hybrid.py",
      "                if resolved is None and leans_on_previous(chunk, index):",
      "                if False:"),
    M("context-score-worse-of-two", "assistant/retrieve/hybrid.py",
      "            key: max(own[i], scores[contextual[i]]) if i in contextual else own[i]",
      "            key: min(own[i], scores[contextual[i]]) if i in contextual else own[i]"),
    M("refrain-scored-every-time", "assistant/retrieve/hybrid.py",
      "                if repeats(sentence, kept, duplicate_threshold):",
      "                if False:"),
    M("first-sentence-resolved-too", "assistant/retrieve/hybrid.py",
      "                    if index\n",
      "                    if True\n"),
    M("resolved-sentence-ignored", "assistant/retrieve/hybrid.py",
      "                texts.append(resolved or fold(sentence))",
      "                texts.append(fold(sentence))"),
    M("context-margin-ignored", "assistant/retrieve/hybrid.py",
      "                if _worth_context(own[i], alone.get(previous), best, margin)",
      "                if True"),
    M("context-margin-own-score-only", "assistant/retrieve/hybrid.py",
      "    return max(own, float(\"-inf\") if previous is None else previous) >= best - margin",
      "    return own >= best - margin"),
    M("context-margin-strict", "assistant/retrieve/hybrid.py",
      "else previous) >= best - margin",
      "else previous) > best - margin"),
    M("context-margin-from-the-worst", "assistant/retrieve/hybrid.py",
      "            best = max(own, default=float(\"-inf\"))",
      "            best = min(own, default=float(\"-inf\"))"),
    # --- rerank.py ---------------------------------------------------------------------------
    M("rerank-batches-unsorted", "assistant/retrieve/rerank.py",
      "    order = sorted(range(len(lengths)), key=lambda i: lengths[i])",
      "    order = list(range(len(lengths)))"),
    M("rerank-batch-size-ignored", "assistant/retrieve/rerank.py",
      "    size = batch_size or max(len(order), 1)",
      "    size = max(len(order), 1)"),
    M("rerank-scores-in-run-order", "assistant/retrieve/rerank.py",
      "        return [scores[i] for i in range(len(texts))]",
      "        return list(scores.values())"),
    # --- lexical.py --------------------------------------------------------------------------
    M("lexical-common-terms-pick-candidates", "assistant/index/lexical.py",
      "    return rare or list(terms)",
      "    return list(terms)"),
    M("lexical-all-common-finds-nothing", "assistant/index/lexical.py",
      "    return rare or list(terms)",
      "    return rare"),
    M("lexical-common-limit-smaller", "assistant/index/lexical.py",
      "    limit = max(COMMON_DOCS, COMMON_SHARE * chunks)",
      "    limit = min(COMMON_DOCS, COMMON_SHARE * chunks)"),
    M("lexical-search-ignores-candidate-rule", "assistant/index/lexical.py",
      "for t in candidate_terms(terms, frequency, n)",
      "for t in terms"),
    # --- conversation.py ---------------------------------------------------------------------
    M("condense-every-question", "assistant/converse/conversation.py",
      "    if not users or not needs_context(question):",
      "    if not users:"),
    M("continuation-not-a-follow-up", "assistant/converse/conversation.py",
      "    if _REFERRING.search(question) or _CONTINUATION.search(question):",
      "    if _REFERRING.search(question):"),
    M("elliptical-not-a-follow-up", "assistant/converse/conversation.py",
      "len(tokenize(question)) <= POLICY.elliptical_words",
      "len(tokenize(question)) < POLICY.elliptical_words"),
    M("name-or-number-ignored", "assistant/converse/conversation.py",
      '_NAME_OR_NUMBER = re.compile(r"(?<=\\s)[A-Z]|\\d")',
      '_NAME_OR_NUMBER = re.compile(r"(?!x)x")'),
    M("condense-pronoun-substitution-off", "assistant/converse/conversation.py",
      "            question = substitute_personal(question, named)",
      "            pass"),
    M("condense-oldest-turn-first", "assistant/converse/conversation.py",
      "    for turn in reversed(history):",
      "    for turn in history:"),
    M("condense-named-person-not-excluded", "assistant/converse/conversation.py",
      "            if person.lower() not in question.lower():",
      "            if True:"),
    M("condense-always-appends-context", "assistant/converse/conversation.py",
      "            if not _REFERRING.search(question):",
      "            if False:"),
    M("condense-people-as-topic", "assistant/converse/conversation.py",
      "    topic = [t for t in things(recognizer, reply) if t.lower() not in said]",
      "    topic = [e.text for e in recognizer.entities(reply) if e.text.lower() not in said]"),
    M("condense-topic-repeats-what-was-said", "assistant/converse/conversation.py",
      "    topic = [t for t in things(recognizer, reply) if t.lower() not in said]",
      "    topic = list(things(recognizer, reply))"),
    M("condense-first-question-not-last", "assistant/converse/conversation.py",
      "    previous = users[-1].strip()",
      "    previous = users[0].strip()"),
    M("condense-no-strip", "assistant/converse/conversation.py",
      "    question = question.strip()",
      "    question = question"),
    # --- coref.py ----------------------------------------------------------------------------
    M("pronoun-substitution-off", "assistant/converse/coref.py",
      "    return substitute_personal(sentence, named[0]) if named else None",
      "    return None"),
    M("pronoun-last-person", "assistant/converse/coref.py",
      "    return substitute_personal(sentence, named[0]) if named else None",
      "    return substitute_personal(sentence, named[-1]) if named else None"),
    M("possessive-dropped", "assistant/converse/coref.py",
      '        return f"{name}\'s" if match.group(0).lower() in {"his", "hers"} else name',
      "        return name"),
    M("every-pronoun-substituted", "assistant/converse/coref.py",
      "    return PERSONAL.sub(swap, text, count=1)",
      "    return PERSONAL.sub(swap, text)"),
    M("first-sentence-leans", "assistant/converse/coref.py",
      "    return index > 0 and bool(_REFERRING.search(chunk.sentence_texts()[index]))",
      "    return bool(_REFERRING.search(chunk.sentence_texts()[index]))"),
    M("context-unfolded", "assistant/converse/coref.py",
      '    return f"{fold(texts[index - 1])} {fold(texts[index])}"',
      '    return f"{texts[index - 1]} {texts[index]}"'),
    # --- similarity.py -----------------------------------------------------------------------
    M("reader-restatement-keeps-names-apart", "assistant/answer/candidates.py",
      "POLICY.repeat_overlap, facts=quantity_terms",
      "POLICY.repeat_overlap"),
    M("lead-in-off", "assistant/answer/candidates.py",
      "    if index == 0 or index >= len(leans) or not leans[index]:",
      "    if True:"),
    M("lead-in-of-a-heading", "assistant/answer/candidates.py",
      "    if heading_flags(passage.chunk)[index - 1]:",
      "    if False:"),
    M("leans-never-recorded", "assistant/retrieve/hybrid.py",
      "and scores[contextual[i]] > own[i]",
      "and False"),
    M("pronoun-no-look-back", "assistant/converse/conversation.py",
      "    for turn in reversed(history):",
      "    for turn in list(reversed(history))[:1]:"),
    M("refrain-six-words", "assistant/policy.py",
      "    refrain_words: int = 7",
      "    refrain_words: int = 6"),
    # --- chain.py ----------------------------------------------------------------------------
    M("verify-skipped", "assistant/chain.py",
      "        text, citations = verify(draft.text, draft.citations)",
      "        text, citations = draft.text, draft.citations"),
    M("gate-threshold-ignored", "assistant/chain.py",
      "        confident = signals is not None and confidence >= gate.threshold",
      "        confident = signals is not None"),
    M("gate-threshold-inclusive", "assistant/chain.py",
      "confidence >= gate.threshold",
      "confidence > gate.threshold"),
    M("reader-abstention-ignored", "assistant/chain.py",
      "        abstained = draft.abstained or not (confident or precise)",
      "        abstained = not (confident or precise)"),
    M("refusal-keeps-citations", "assistant/chain.py",
      "            citations=() if abstained else cited.citations,",
      "            citations=cited.citations,"),
    M("refusal-keeps-text", "assistant/chain.py",
      "            text=ABSTAIN_TEXT if abstained else with_short(cited.text, short),",
      "            text=with_short(cited.text, short),"),
    M("condense-skipped", "assistant/chain.py",
      "        resolved, context = resolve(asked.question, asked.history, recognizer)",
      "        resolved, context = asked.question, \"\""),
    M("coverage-counts-borrowed-words", "assistant/chain.py",
      "        questions = (question, drafted.routed.resolved)",
      "        questions = (question, drafted.routed.query)"),
    M("question-as-typed-not-passed", "assistant/chain.py",
      "top_k=asked.top_k, question=asked.question)",
      "top_k=asked.top_k, question=None)"),
    # --- chunking.py, answer_types.py --------------------------------------------------------
    M("headings-stand-alone", "assistant/documents/chunking.py",
      "    return not (_SENTENCE_END.search(text) or _holds_sentences(text))",
      "    return False"),
    M("markdown-heading-needs-no-punctuation", "assistant/documents/chunking.py",
      "    if _MARKDOWN_HEADING.match(text):\n        return True\n",
      ""),
    M("any-hash-mark-a-heading", "assistant/documents/chunking.py",
      "_MARKDOWN_HEADING = re.compile(r\"#{1,6}(?:\\s|$)\")",
      "_MARKDOWN_HEADING = re.compile(r\"#\")"),
    M("glued-sentence-a-heading", "assistant/documents/chunking.py",
      "    return not (_SENTENCE_END.search(text) or _holds_sentences(text))",
      "    return not _SENTENCE_END.search(text)"),
    M("heading-as-an-answer", "assistant/answer/candidates.py",
      "            if score is None or headings[index]:",
      "            if score is None:"),
    M("headings-judged-sentence-by-sentence", "assistant/documents/chunking.py",
      "    return (True,) * leading + (False,) * (len(texts) - leading)",
      "    return tuple(is_heading([t]) for t in texts)"),
    M("possessive-of-a-named-person-resolved", "assistant/converse/conversation.py",
      "        if _POSSESSIVE.search(question) and people(recognizer, question):",
      "        if False:"),
    # --- answers shaped to the question (answer_types.py, short_answer.py, reader.py) -----------
    M("unknown-mode-accepted", "assistant/factory.py",
      "    if factory is None:",
      "    if False:"),
    M("injected-reader-ignored", "assistant/app.py",
      "        if self._reader is not None:\n            return self._reader",
      "        if False:\n            return self._reader"),
    M("short-not-verified", "assistant/chain.py",
      "        short = verify_short(draft.short, draft.citations, citations)",
      "        short = draft.short"),
    M("refusal-keeps-short", "assistant/chain.py",
      "        short, weighed = (None, ()) if abstained else weigh(question, cited, confidence)",
      "        short, weighed = weigh(question, cited, confidence)"),
    M("short-not-shown-first", "assistant/chain.py",
      "with_short(cited.text, short)",
      "cited.text"),
    M("f1-scores-the-whole-answer", "assistant/evaluation/metrics.py",
      "        out[\"f1\"] = token_f1(first or prediction, answers)",
      "        out[\"f1\"] = token_f1(prediction, answers)"),
    M("contains-scores-the-short-answer", "assistant/evaluation/metrics.py",
      "        out[\"contains\"] = contains(prediction, answers)",
      "        out[\"contains\"] = contains(first or prediction, answers)"),
    M("groundedness-counts-the-short-answer", "assistant/evaluation/metrics.py",
      "grounded_fraction(evidence_text(run_case), citations)",
      "grounded_fraction(run_case[\"answer\"], citations)"),
    M("short-span-not-marked", "ui/render.py",
      "    if short is not None and short.marker == citation.marker:",
      "    if False:"),
    # --- input bounds: html_text.py, config.py, validation.py, segmentation.py, chunking.py --
    M("html-depth-unchecked", "assistant/documents/html_text.py",
      "    if extractor.deepest > max_depth:",
      "    if False:"),
    M("html-open-paragraphs-nest", "assistant/documents/html_text.py",
      "        sibling = bool(self._open) and self._open[-1] == tag and tag in _SIBLING_TAGS",
      "        sibling = False"),
    M("html-rescans-unbounded", "assistant/documents/html_text.py",
      "            if self._rescan_budget < 0:",
      "            if False:"),
    M("html-whitespace-not-folded", "assistant/documents/html_text.py",
      "            data = \"\\n\" if \"\\n\" in data else \" \"",
      "            data = data"),
    M("html-void-tags-stay-open", "assistant/documents/html_text.py",
      "        if tag in _VOID_HTML_TAGS:",
      "        if False:"),
    M("html-ruby-text-kept", "assistant/documents/html_text.py",
      "_NOT_TEXT_TAGS = frozenset({\"rt\", \"rp\"})",
      "_NOT_TEXT_TAGS: frozenset[str] = frozenset()"),
    M("html-cdata-dropped", "assistant/documents/html_text.py",
      "            self._flush(keep=True)",
      "            self._flush(keep=False)"),
    M("html-parser-refusal-escapes", "assistant/documents/html_text.py",
      "    except AssertionError as exc:",
      "    except ZeroDivisionError as exc:"),
    M("settings-weight-unbounded", "assistant/config.py",
      "bm25_weight: float = Field(1.0, ge=0, le=100,",
      "bm25_weight: float = Field(1.0, ge=0,"),
    M("settings-dense-k-unbounded", "assistant/config.py",
      "dense_k: int = Field(10, ge=1, le=1000,",
      "dense_k: int = Field(10, ge=1,"),
    M("settings-threshold-unchecked", "assistant/config.py",
      "        if self.abstain_threshold is not None:\n            _check_threshold",
      "        if False:\n            _check_threshold"),
    M("settings-threads-unchecked", "assistant/config.py",
      "        2, ge=1, le=256, description=\"threads",
      "        2, description=\"threads"),
    M("settings-context-margin-nan-accepted", "assistant/config.py",
      "        12.0, ge=0, description=",
      "        12.0, description="),
    M("settings-rerank-batch-unchecked", "assistant/config.py",
      "        4, ge=0, le=1024, description=",
      "        4, description="),
    M("settings-margin-inf-not-json", "assistant/config.py",
      "        return \"inf\" if math.isinf(value) else value",
      "        return value"),
    M("calibration-nan-accepted", "assistant/config.py",
      "            if not -THRESHOLD_LIMIT <= value <= THRESHOLD_LIMIT:",
      "            if False:"),
    M("question-format-chars-refused", "assistant/validation.py",
      "        return ord(ch) in _NOT_TEXT_FORMAT",
      "        return True"),
    M("question-bidi-override-accepted", "assistant/validation.py",
      "        return ord(ch) in _NOT_TEXT_FORMAT",
      "        return False"),
    M("history-content-unchecked", "assistant/validation.py",
      "    found = _controls(turn.content) if turn.role == \"user\" else _nul(turn.content)",
      "    found = \"\""),
    M("history-message-cap-off", "assistant/validation.py",
      "    if len(history) > max_messages:",
      "    if False:"),
    M("history-char-cap-off", "assistant/validation.py",
      "    if total > max_chars:\n        raise",
      "    if False:\n        raise"),
    M("long-sentences-not-cut", "assistant/documents/segmentation.py",
      "            for piece in split_long(norm.text, sentence):",
      "            for piece in [sentence]:"),
    M("clauses-not-preferred", "assistant/documents/segmentation.py",
      "    for separator in (\"; \", \", \"):",
      "    for separator in ():"),
    M("chunk-length-uncapped", "assistant/documents/chunking.py",
      "(lead if lo == 0 else 0) + before[hi] - before[lo] - 1 <= MAX_CHUNK_CHARS",
      "0 <= MAX_CHUNK_CHARS"),
    M("headings-pile-up", "assistant/documents/chunking.py",
      "        if headings and _length([*headings, *sentences[:1]]) > MAX_CHUNK_CHARS:",
      "        if False:"),
    M("paragraph-in-one-block", "assistant/documents/segmentation.py",
      "    while para.end - start > size:",
      "    while False:"),
    M("windows-lose-overlap", "assistant/documents/chunking.py",
      "        start = max(end - overlap, start + 1)",
      "        start = end"),
    # --- ui/render.py ------------------------------------------------------------------------
    M("plain-text-identity", "ui/render.py",
      "    text = re.sub(r\"\\[\\[(\\d+)\\]\\]\\(#src-\\d+\\)\", r\"[\\1]\", markdown)\n"
      "    return html.unescape(_BACKSLASHED.sub(r\"\\1\", text))",
      "    return markdown"),
    M("plain-text-no-unescape", "ui/render.py",
      "    return html.unescape(_BACKSLASHED.sub(r\"\\1\", text))",
      "    return _BACKSLASHED.sub(r\"\\1\", text)"),
    M("markdown-unescaped", "ui/render.py",
      "        pieces.append(escape_markdown(text[pos : match.start()]))",
      "        pieces.append(text[pos : match.start()])"),
)  # fmt: skip
# Dropped as equivalent (no test can tell them apart from the original):
# - the passage sort's fused-score tie break (retrieval.py): candidates are already in fused
#   order and list.sort is stable, so "-p.score" alone orders passages identically.
# - the ``seen`` (source, span) check in ``_score_sentences``: a sentence met again is also
#   an exact repeat of one in ``kept`` (jaccard 1, same key terms), so ``repeats`` skips it.
# - stripping citation markers from the previous answer in ``condense``: markers sit before
#   the closing punctuation, so no entity a recognizer finds can straddle one.


@dataclass(frozen=True, slots=True)
class Outcome:
    mutation: Mutation
    killed: bool
    seconds: float
    detail: str


def check_snippets(mutations: tuple[Mutation, ...], root: Path) -> list[str]:
    """A problem per mutation whose original does not occur exactly once (or is a no-op)."""
    problems = []
    names = [m.name for m in mutations]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{name}: the name is used more than once")
    for m in mutations:
        path = root / m.file
        if not path.is_file():
            problems.append(f"{m.name}: {m.file} does not exist")
            continue
        count = path.read_text(encoding="utf-8").count(m.original)
        if count != 1:
            problems.append(f"{m.name}: the original snippet occurs {count} times in {m.file}")
        if m.original == m.replacement:
            problems.append(f"{m.name}: the replacement is the original")
    return problems


def copy_tree(destination: Path) -> Path:
    tree = destination / "tree"
    shutil.copytree(ROOT, tree, ignore=IGNORED, symlinks=True)
    return tree


def pytest_command(tests: list[str]) -> list[str]:
    return [str(PYTHON), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    # Stale bytecode would hide a mutation made within the same second as the last run.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONPATH", None)
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
    )
    return env


def run_tests(tree: Path, tests: list[str]) -> tuple[bool, str]:
    """(passed, last line of the pytest output)."""
    try:
        result = subprocess.run(
            pytest_command(tests),
            cwd=tree,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT} s"
    lines = [line for line in result.stdout.strip().splitlines() if line.strip()]
    return result.returncode == 0, lines[-1] if lines else result.stderr.strip()[-200:]


def ensure_the_copy_is_imported(tree: Path) -> None:
    """The venv has the project installed in editable mode; the copy must win."""
    result = subprocess.run(
        [str(PYTHON), "-c", "import assistant, ui; print(assistant.__file__); print(ui.__file__)"],
        cwd=tree,
        env=environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stdout.split():
        if not Path(line).resolve().is_relative_to(tree.resolve()):
            sys.exit(f"mutate: the copy imports {line}, not the copied tree; refusing to run")


def mutate(tree: Path, mutation: Mutation, tests: list[str]) -> Outcome:
    path = tree / mutation.file
    original = path.read_text(encoding="utf-8")
    began = time.perf_counter()
    try:
        path.write_text(
            original.replace(mutation.original, mutation.replacement, 1), encoding="utf-8"
        )
        passed, detail = run_tests(tree, tests)
    finally:
        path.write_text(original, encoding="utf-8")
    return Outcome(mutation, not passed, time.perf_counter() - began, detail)


def render(outcomes: list[Outcome]) -> str:
    width = max(len(o.mutation.name) for o in outcomes)
    file_width = max(len(o.mutation.file) for o in outcomes)
    lines = [
        f"{'mutation':<{width}}  {'file':<{file_width}}  {'result':<8}  {'s':>5}  tests",
        f"{'-' * width}  {'-' * file_width}  {'-' * 8}  {'-' * 5}  -----",
    ]
    for o in outcomes:
        result = "killed" if o.killed else "SURVIVED"
        lines.append(
            f"{o.mutation.name:<{width}}  {o.mutation.file:<{file_width}}  {result:<8}  "
            f"{o.seconds:5.1f}  {o.detail}"
        )
    killed = sum(o.killed for o in outcomes)
    lines.append("")
    lines.append(f"kill rate: {killed}/{len(outcomes)} = {killed / len(outcomes):.1%}")
    survivors = [o.mutation.name for o in outcomes if not o.killed]
    if survivors:
        lines.append("survivors: " + ", ".join(survivors))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tests", nargs="+", default=list(DEFAULT_TESTS), help="test files to run per mutation"
    )
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this mutation")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--min-kill-rate", type=float, default=0.9)
    args = parser.parse_args(argv)

    problems = check_snippets(MUTATIONS, ROOT)
    if problems:
        print("mutate: cannot run, the mutations no longer match the code:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:<40} {m.file}")
        return 0
    mutations = MUTATIONS
    if args.only:
        unknown = set(args.only) - {m.name for m in MUTATIONS}
        if unknown:
            print(f"mutate: no mutation named {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        mutations = tuple(m for m in MUTATIONS if m.name in args.only)

    with tempfile.TemporaryDirectory(prefix="mutate-") as temp:
        tree = copy_tree(Path(temp))
        ensure_the_copy_is_imported(tree)
        passed, detail = run_tests(tree, args.tests)
        if not passed:
            print(f"mutate: the tests fail without any mutation: {detail}", file=sys.stderr)
            return 2
        print(f"baseline: {detail}; {len(mutations)} mutation(s)", flush=True)
        outcomes = []
        for mutation in mutations:
            outcome = mutate(tree, mutation, args.tests)
            outcomes.append(outcome)
            state = "killed" if outcome.killed else "SURVIVED"
            print(f"  {mutation.name}: {state} ({outcome.seconds:.1f} s)", flush=True)
    print()
    print(render(outcomes))
    rate = sum(o.killed for o in outcomes) / len(outcomes)
    return 0 if rate >= args.min_kill_rate else 1


if __name__ == "__main__":
    sys.exit(main())
