# IssueBERT's text handling for Hugging Face tokenizers. Two parts:
# - the issue-report clean-up: the same steps, byte for byte, as
#   core/text/issue_cleanup.cpp (hidden HTML comments, unticked checklist
#   items, long code blocks, stack traces, URLs and paths), applied to every
#   text before BERT's WordPiece tokenizer sees it;
# - head+tail truncation: a long issue keeps its first 128 tokens and its last
#   max length - 130 (below max length 258 half the budget from each end, the
#   tail taking the odd one), as core/text/encoder.cpp cuts it.
# IssueBERT copies this file into every saved model trained with a clean-up or
# head+tail truncation and names it in tokenizer_config.json
# (issuebert_text_cleanup, issuebert_truncation), so that
#   AutoTokenizer.from_pretrained(folder, trust_remote_code=True)
# reads issues as training did. Without trust_remote_code transformers refuses
# the folder instead of silently tokenizing differently. Checked with
# transformers 4.45 (tests/e2e/transformers_parity.sh).
import re

from transformers import BertTokenizer, BertTokenizerFast
from transformers.tokenization_utils_base import PaddingStrategy, TruncationStrategy

# What replaces a shortened part: the model sees that something was cut.
CUT = b" ... "
# Code kept from each fenced block, in UTF-8 bytes.
CODE_KEEP_BYTES = 200
# Stack frames kept from each run.
TRACE_KEEP_FRAMES = 3
# A run of Python frames continues when the next starts within this many bytes.
PYTHON_FRAME_GAP = 240
# Longest call site a Java / JavaScript frame may have.
MAX_CALL_SITE = 400
STEPS = ("comments", "checklists", "code", "traces", "urls")
TRUNCATIONS = ("head", "head_tail")
# Tokens head+tail truncation keeps from the start when the budget allows.
HEAD_TAIL_HEAD = 128

_SPACE = b" \t\n\r"
_TOKEN_END = b" \t\n\r\"'<>()[]{}`|,;\x00"
_FENCE = re.compile(rb"[`~]")
_HOST_END = re.compile(rb"[/?#]")


def parse_cleanup(words):
    """'none', 'all' or step words joined by commas -> the set of steps."""
    if words in (None, "", "none"):
        return frozenset()
    if words == "all":
        return frozenset(STEPS)
    steps = words.split(",")
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise ValueError(f"issuebert_text_cleanup {words!r}: {unknown[0]!r} is not one of "
                         f"none, all, {', '.join(STEPS)}")
    return frozenset(steps)


def _digit(c):
    return 0x30 <= c <= 0x39


def _alpha(c):
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _boundary_before(t, n):
    n = min(n, len(t))
    while 0 < n < len(t) and (t[n] & 0xC0) == 0x80:
        n -= 1
    return n


def _remove_comments(t):
    out = bytearray()
    at = 0
    while at < len(t):
        start = t.find(b"<!--", at)
        if start < 0:
            break
        out += t[at:start]
        close = t.find(b"-->", start + 4)
        if close < 0:
            out += t[start:]
            at = len(t)
            break
        at = close + 3
        out += b" "
    if at < len(t):
        out += t[at:]
    return bytes(out)


def _remove_unticked_items(t):
    out = bytearray()
    at = 0
    while at < len(t):
        end = t.find(b"\n", at)
        end = len(t) if end < 0 else end + 1
        i = at
        while i < end and t[i] in b" \t":
            i += 1
        bullet = i < end and t[i] in b"-*+"
        if not (bullet and t.startswith(b" [ ]", i + 1)):
            out += t[at:end]
        at = end
    return bytes(out)


def _run_length(t, at, c):
    n = 0
    while at + n < len(t) and t[at + n] == c:
        n += 1
    return n


def _shorten_code(t):
    out = bytearray()
    at = 0
    while at < len(t):
        found = _FENCE.search(t, at)
        if found is None:
            break
        start = found.start()
        fence = t[start]
        n = _run_length(t, start, fence)
        if n < 3:
            out += t[at:start + n]
            at = start + n
            continue
        close = start + n
        close_length = 0
        three = bytes([fence]) * 3
        while True:
            close = t.find(three, close)
            if close < 0:
                break
            close_length = _run_length(t, close, fence)
            if close_length >= n:
                break
            close += close_length
        if close < 0:
            out += t[at:]
            at = len(t)
            break
        out += t[at:start + n]
        body = t[start + n:close]
        if len(body) > CODE_KEEP_BYTES:
            out += body[:_boundary_before(body, CODE_KEEP_BYTES)]
            out += CUT
        else:
            out += body
        out += t[close:close + close_length]
        at = close + close_length
    if at < len(t):
        out += t[at:]
    return bytes(out)


def _jvm_frame_end(t, at):
    if not t.startswith(b"at ", at) or (at > 0 and t[at - 1] not in _SPACE):
        return -1
    i = at + 3
    name_start = i
    while i < len(t) and t[i] not in _SPACE and t[i] != 0x28:
        i += 1
    if i == name_start:
        return -1
    if i < len(t) and t[i] == 0x20:
        i += 1
    if i >= len(t) or t[i] != 0x28:
        return -1
    if t.startswith(b"(Native Method)", i) or t.startswith(b"(Unknown Source)", i):
        return t.find(b")", i) + 1
    close = t[:i + MAX_CALL_SITE + 1].find(b")", i)
    if close < 0:
        return -1
    site = t[i:close]
    names_line = False
    c = site.find(b":")
    while c >= 0:
        names_line = names_line or (c + 1 < len(site) and _digit(site[c + 1]))
        c = site.find(b":", c + 1)
    if not names_line or any(x in _SPACE for x in site):
        return -1
    return close + 1


def _python_frame_end(t, at):
    if not t.startswith(b'File "', at):
        return -1
    quote = t.find(b'"', at + 6)
    if quote < 0 or quote - at > MAX_CALL_SITE or not t.startswith(b'", line ', quote):
        return -1
    i = quote + 8
    digits = i
    while i < len(t) and _digit(t[i]):
        i += 1
    return -1 if i == digits else i


def _shorten_traces(t):
    out = bytearray()
    at = 0
    scan = 0
    while scan < len(t):
        end = _jvm_frame_end(t, scan)
        python = end < 0
        if python:
            end = _python_frame_end(t, scan)
        if end < 0:
            scan += 1
            continue
        frames = [(scan, end)]
        while True:
            following = frames[-1][1]
            found = -1
            if python:
                limit = min(len(t), following + PYTHON_FRAME_GAP)
                candidate = t[:limit].find(b'File "', following)
                gap = t[following:candidate] if candidate >= 0 else b""
                if candidate >= 0 and b"Traceback" not in gap and b"\n\n" not in gap:
                    found = candidate
            else:
                while following < len(t) and t[following] in _SPACE:
                    following += 1
                found = following
            if found < 0:
                break
            frame_end = _python_frame_end(t, found) if python else _jvm_frame_end(t, found)
            if frame_end < 0:
                break
            frames.append((found, frame_end))
        if len(frames) > TRACE_KEEP_FRAMES + 1:
            out += t[at:frames[TRACE_KEEP_FRAMES][0]]
            out += CUT
            at = frames[-1][0] if python else frames[-1][1]
        scan = frames[-1][1]
    out += t[at:]
    return bytes(out)


def _shorten_urls_and_paths(t):
    out = bytearray()
    at = 0
    while at < len(t):
        if at > 0 and t[at - 1] not in _TOKEN_END and t[at - 1] != 0x3D:
            out.append(t[at])
            at += 1
            continue
        end = at
        while end < len(t) and t[end] not in _TOKEN_END:
            end += 1
        token = t[at:end]
        scheme = token.find(b"://")
        if 0 < scheme <= 10 and (token.startswith(b"http") or token.startswith(b"ftp")):
            host = token[scheme + 3:]
            cut = _HOST_END.search(host)
            if cut is not None:
                host = host[:cut.start()]
            if host.startswith(b"www."):
                host = host[4:]
            out += host
            at = end
            continue
        windows = len(token) > 3 and _alpha(token[0]) and token[1:3] == b":\\"
        unix = token.startswith(b"/") or token.startswith(b"~/")
        if (windows or unix) and sum(1 for x in token if x in b"/\\") >= 4:
            cut = len(token)
            for _ in range(2):
                cut = max(token.rfind(b"/", 0, cut), token.rfind(b"\\", 0, cut))
            out += token[cut + 1:]
            at = end
            continue
        equals = token.find(b"=")
        if 0 <= equals and equals + 1 < len(token):
            out += token[:equals + 1]
            at += equals + 1
            continue
        if token:
            out += token
            at = end
        else:
            out += t[at:at + 1]
            at += 1
    return bytes(out)


def clean_issue_text(text, steps):
    """text with the clean-up steps applied, as IssueBERT's cleanIssueText."""
    if not steps:
        return text
    t = text.encode("utf-8")
    if "comments" in steps:
        t = _remove_comments(t)
    if "checklists" in steps:
        t = _remove_unticked_items(t)
    if "code" in steps:
        t = _shorten_code(t)
    if "traces" in steps:
        t = _shorten_traces(t)
    if "urls" in steps:
        t = _shorten_urls_and_paths(t)
    return t.decode("utf-8")


def _clean_input(steps, item):
    if isinstance(item, str):
        return clean_issue_text(item, steps)
    if isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(x, str) for x in item):
        return type(item)(clean_issue_text(x, steps) for x in item)  # a (title, body) pair
    return item


def parse_truncation(word):
    """issuebert_truncation of tokenizer_config.json: "head" or "head_tail"."""
    if word not in TRUNCATIONS:
        raise ValueError(f"issuebert_truncation {word!r} is not one of {', '.join(TRUNCATIONS)}")
    return word


def head_tail(ids, budget):
    """The ids head+tail truncation keeps of one sequence within budget tokens."""
    ids = list(ids)
    if len(ids) <= budget:
        return ids
    head = HEAD_TAIL_HEAD if budget >= 2 * HEAD_TAIL_HEAD else budget // 2
    tail = budget - head
    return ids[:head] + (ids[len(ids) - tail:] if tail > 0 else [])


class IssueBertTokenizer(BertTokenizer):
    """BERT's WordPiece tokenizer that cleans each text first and cuts long
    texts as the model was trained (head, or head+tail)."""

    def __init__(self, *args, issuebert_text_cleanup="none", issuebert_truncation="head",
                 **kwargs):
        self.issuebert_steps = parse_cleanup(issuebert_text_cleanup)
        self.issuebert_truncation = parse_truncation(issuebert_truncation)
        super().__init__(*args, issuebert_text_cleanup=issuebert_text_cleanup,
                         issuebert_truncation=issuebert_truncation, **kwargs)

    def tokenize(self, text, **kwargs):
        return super().tokenize(clean_issue_text(text, self.issuebert_steps), **kwargs)

    def truncate_sequences(self, ids, pair_ids=None, num_tokens_to_remove=0,
                           truncation_strategy="longest_first", stride=0):
        # A pair is cut longest-first, as IssueBERT cuts (title, body) pairs.
        if self.issuebert_truncation != "head_tail" or pair_ids is not None or \
                num_tokens_to_remove <= 0:
            return super().truncate_sequences(ids, pair_ids=pair_ids,
                                              num_tokens_to_remove=num_tokens_to_remove,
                                              truncation_strategy=truncation_strategy,
                                              stride=stride)
        kept = head_tail(ids, len(ids) - num_tokens_to_remove)
        head = HEAD_TAIL_HEAD if len(kept) >= 2 * HEAD_TAIL_HEAD else len(kept) // 2
        return kept, None, list(ids[head:len(ids) - (len(kept) - head)])


class IssueBertTokenizerFast(BertTokenizerFast):
    """The fast tokenizer, cleaning each text (or each half of a pair) first and
    cutting long texts as the model was trained."""

    slow_tokenizer_class = IssueBertTokenizer

    def __init__(self, *args, issuebert_text_cleanup="none", issuebert_truncation="head",
                 **kwargs):
        self.issuebert_steps = parse_cleanup(issuebert_text_cleanup)
        self.issuebert_truncation = parse_truncation(issuebert_truncation)
        super().__init__(*args, issuebert_text_cleanup=issuebert_text_cleanup,
                         issuebert_truncation=issuebert_truncation, **kwargs)

    def _batch_encode_plus(self, batch_text_or_text_pairs, *args, **kwargs):
        if not kwargs.get("is_split_into_words", False):
            batch_text_or_text_pairs = [_clean_input(self.issuebert_steps, item)
                                        for item in batch_text_or_text_pairs]
        if self._cuts_head_tail(batch_text_or_text_pairs, args, kwargs):
            return self._head_tail_batch(batch_text_or_text_pairs, kwargs)
        return super()._batch_encode_plus(batch_text_or_text_pairs, *args, **kwargs)

    def _cuts_head_tail(self, batch, args, kwargs):
        strategy = kwargs.get("truncation_strategy", TruncationStrategy.DO_NOT_TRUNCATE)
        return (self.issuebert_truncation == "head_tail" and not args and
                strategy != TruncationStrategy.DO_NOT_TRUNCATE and
                kwargs.get("add_special_tokens", True) and
                not kwargs.get("is_split_into_words", False) and
                not kwargs.get("return_overflowing_tokens", False) and
                all(isinstance(item, str) for item in batch))

    def _head_tail_batch(self, batch, kwargs):
        """The fast tokenizer truncates in Rust, head only: tokenize whole, cut
        head+tail here, add [CLS] and [SEP], then pad as asked."""
        max_length = kwargs.get("max_length") or self.model_max_length
        whole = super()._batch_encode_plus(
            batch, add_special_tokens=False, padding_strategy=PaddingStrategy.DO_NOT_PAD,
            truncation_strategy=TruncationStrategy.DO_NOT_TRUNCATE, max_length=None,
            return_tensors=None, return_token_type_ids=False, return_attention_mask=False,
            verbose=False)
        budget = max_length - self.num_special_tokens_to_add(pair=False)
        ids = [self.build_inputs_with_special_tokens(head_tail(one, budget))
               for one in whole["input_ids"]]
        features = {"input_ids": ids}
        if kwargs.get("return_token_type_ids") is not False and \
                "token_type_ids" in self.model_input_names:
            features["token_type_ids"] = [[0] * len(one) for one in ids]
        if kwargs.get("return_attention_mask") is not False:
            features["attention_mask"] = [[1] * len(one) for one in ids]
        if kwargs.get("return_length", False):
            features["length"] = [len(one) for one in ids]
        # pad() on a fast tokenizer warns that __call__ would be faster; here it cannot be.
        self.deprecation_warnings["Asking-to-pad-a-fast-tokenizer"] = True
        return self.pad(features,
                        padding=kwargs.get("padding_strategy", PaddingStrategy.DO_NOT_PAD),
                        max_length=max_length, pad_to_multiple_of=kwargs.get("pad_to_multiple_of"),
                        return_attention_mask=kwargs.get("return_attention_mask"),
                        return_tensors=kwargs.get("return_tensors"))


# Without a tokenizer.json the fast tokenizer is built from the slow one's
# vocabulary, as for BERT.
try:
    from transformers.convert_slow_tokenizer import SLOW_TO_FAST_CONVERTERS

    SLOW_TO_FAST_CONVERTERS.setdefault("IssueBertTokenizer", SLOW_TO_FAST_CONVERTERS["BertTokenizer"])
except (ImportError, KeyError):
    pass
