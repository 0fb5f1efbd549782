"""``keras.preprocessing.text``, which ``tf.keras`` keeps from Keras 2: ``Tokenizer`` (a word
index by frequency, texts to id sequences and to count / tf-idf matrices), ``tokenizer_from_json``,
``text_to_word_sequence``, ``one_hot`` and ``hashing_trick``. Keras 3's own tool for this is the
TextVectorization layer; these keep older programs running.
"""

from __future__ import annotations

import collections
import hashlib
import json

import numpy as np

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
"""The characters Keras removes by default: punctuation, tab and newline."""


def text_to_word_sequence(input_text: str, filters: str = FILTERS, lower: bool = True,
                          split: str = " ") -> list:
    """The words of ``input_text``: lowercased, each character of ``filters`` turned into
    ``split``, then split there (empty pieces dropped).

    Args:
        input_text: the text.
        filters: characters to remove. Defaults to punctuation, tab and newline.
        lower: lowercase first. Defaults to ``True``.
        split: the word separator. Defaults to ``" "``.

    Example:
        >>> numnet.preprocessing.text.text_to_word_sequence("Hello, World! Hello.")
        ['hello', 'world', 'hello']
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in input_text.split(split) if word]


def hashing_trick(text: str, n: int, hash_function=None, filters: str = FILTERS,
                  lower: bool = True, split: str = " ", analyzer=None) -> list:
    """Each word of ``text`` as an id in [1, n): ``hash_function(word) % (n - 1) + 1``.

    Args:
        text: the text.
        n: the size of the id space (id 0 is never given).
        hash_function: a function of a str, or "md5" (the same ids in every process); None
            for Python's ``hash``, which differs from one process to the next unless
            PYTHONHASHSEED is set. Defaults to ``None``.
        filters, lower, split: as ``text_to_word_sequence``.
        analyzer: a function from the text to its words, instead of the split. Defaults to
            ``None``.

    Example:
        >>> numnet.preprocessing.text.hashing_trick("a b a", 10, hash_function="md5")
        [2, 5, 2]
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        def hash_function(word):
            return int(hashlib.md5(word.encode()).hexdigest(), 16)
    words = analyzer(text) if analyzer is not None else text_to_word_sequence(
        text, filters=filters, lower=lower, split=split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text: str, n: int, filters: str = FILTERS, lower: bool = True,
            split: str = " ", analyzer=None) -> list:
    """``hashing_trick`` with Python's ``hash`` (Keras's name: ids, not one-hot vectors).

    Example:
        >>> len(numnet.preprocessing.text.one_hot("the cat sat", 50))
        3
    """
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """A vocabulary of the words of some texts, ranked by how often they occur (1 the most
    frequent; 0 is never a word), as Keras 2's Tokenizer.

    Args:
        num_words: keep only the ids below this when turning texts into ids or matrices.
            Defaults to ``None`` (all).
        filters: characters removed from the texts. Defaults to punctuation, tab, newline.
        lower: lowercase the texts. Defaults to ``True``.
        split: the word separator. Defaults to ``" "``.
        char_level: every character is a token. Defaults to ``False``.
        oov_token: a token for words out of the vocabulary (given id 1); None drops them.
            Defaults to ``None``.
        analyzer: a function from a text to its tokens, instead of the split. Defaults to
            ``None``.

    Attributes:
        word_index / index_word: word -> id and id -> word; word_counts: occurrences (in first
        seen order); word_docs / index_docs: documents holding each word (id);
        document_count: the texts seen.

    Raises:
        TypeError: an unknown keyword argument.

    Example:
        >>> tok = numnet.preprocessing.text.Tokenizer(num_words=3)
        >>> tok.fit_on_texts(["the cat", "the dog", "a cat"])
        >>> tok.word_index
        {'the': 1, 'cat': 2, 'dog': 3, 'a': 4}
        >>> tok.texts_to_sequences(["the cat and the dog"])
        [[1, 2, 1]]
    """

    def __init__(self, num_words=None, filters: str = FILTERS, lower: bool = True,
                 split: str = " ", char_level: bool = False, oov_token=None, analyzer=None,
                 **kwargs):
        if "nb_words" in kwargs:  # Keras 1's name
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Tokenizer: unknown keyword arguments {sorted(kwargs)}; the "
                            "arguments are num_words, filters, lower, split, char_level, "
                            "oov_token and analyzer.")
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.char_level, self.oov_token, self.analyzer = char_level, oov_token, analyzer
        self.document_count = document_count
        self.word_counts: dict = collections.OrderedDict()
        self.word_docs: dict = collections.defaultdict(int)
        self.index_docs: dict = collections.defaultdict(int)
        self.word_index: dict = {}
        self.index_word: dict = {}

    def _tokens(self, text) -> list:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    def fit_on_texts(self, texts) -> None:
        """Count the words of ``texts`` (strings, or lists of tokens) and rank them: the most
        frequent first, ties in the order first seen; the oov_token, if any, takes id 1."""
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for token in tokens:
                self.word_counts[token] = self.word_counts.get(token, 0) + 1
            for token in set(tokens):
                self.word_docs[token] += 1
        ranked = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [
            word for word, _ in ranked]
        self.word_index = {word: i for i, word in enumerate(vocabulary, start=1)}
        self.index_word = {i: word for word, i in self.word_index.items()}
        for word, count in list(self.word_docs.items()):
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences) -> None:
        """Count in how many of ``sequences`` (lists of ids) each id occurs, for tf-idf."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences_generator(self, texts):
        """Yields each text as a list of ids (see texts_to_sequences)."""
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            ids = []
            for token in self._tokens(text):
                i = self.word_index.get(token)
                if i is not None and not (self.num_words and i >= self.num_words):
                    ids.append(i)
                elif self.oov_token is not None:
                    ids.append(oov)
            yield ids

    def texts_to_sequences(self, texts) -> list:
        """Each text as its list of ids; words out of the vocabulary (or with an id of
        num_words or more) become the oov_token's id, or are dropped without one."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts_generator(self, sequences):
        """Yields each sequence of ids as a text (see sequences_to_texts)."""
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for i in seq:
                word = self.index_word.get(i)
                if word is not None and not (self.num_words and i >= self.num_words):
                    words.append(word)
                elif self.oov_token is not None:
                    words.append(self.index_word[oov])
            yield " ".join(words)

    def sequences_to_texts(self, sequences) -> list:
        """Each sequence of ids as the words joined by spaces (unknown ids as the oov_token,
        or dropped)."""
        return list(self.sequences_to_texts_generator(sequences))

    def texts_to_matrix(self, texts, mode: str = "binary") -> np.ndarray:
        """``sequences_to_matrix`` of the texts' ids."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode: str = "binary") -> np.ndarray:
        """One row per sequence and one column per id (num_words columns, or the vocabulary
        + 1): "binary" 1 where the id occurs, "count" its count c, "freq" c / len(sequence),
        "tfidf" (1 + ln c) * ln(1 + documents / (1 + documents holding it)). float64, as
        Keras's.

        Raises:
            ValueError: an unknown mode, no num_words and nothing fitted, or tfidf before
                fitting.
        """
        if mode not in ("binary", "count", "freq", "tfidf"):
            raise ValueError(f"Tokenizer(mode): expected 'binary', 'count', 'freq' or 'tfidf', "
                             f"given {mode!r}.")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Tokenizer.sequences_to_matrix: give num_words, or fit the "
                             "tokenizer on some texts first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Tokenizer.sequences_to_matrix(mode='tfidf'): fit the tokenizer "
                             "on some texts first (tf-idf needs document counts).")
        out = np.zeros((len(sequences), width))
        for row, seq in enumerate(sequences):
            counts = collections.Counter(i for i in seq if i < width)
            for i, count in counts.items():
                if mode == "binary":
                    out[row, i] = 1
                elif mode == "count":
                    out[row, i] = count
                elif mode == "freq":
                    out[row, i] = count / len(seq)
                else:
                    documents = self.index_docs.get(i, 0)
                    out[row, i] = (1 + np.log(count)) * np.log(
                        1 + self.document_count / (1 + documents))
        return out

    def get_config(self) -> dict:
        """The settings and the counted vocabulary (its tables as JSON text, as Keras's)."""
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower,
                "split": self.split, "char_level": self.char_level,
                "oov_token": self.oov_token, "document_count": self.document_count,
                "word_counts": json.dumps(self.word_counts),
                "word_docs": json.dumps(self.word_docs),
                "index_docs": json.dumps(self.index_docs),
                "index_word": json.dumps(self.index_word),
                "word_index": json.dumps(self.word_index)}

    def to_json(self, **kwargs) -> str:
        """The tokenizer as JSON text (``json.dumps`` keyword arguments apply), for
        ``tokenizer_from_json``."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """The Tokenizer that ``Tokenizer.to_json`` wrote (data only: nothing in it is run).

    Raises:
        ValueError: the text is not a tokenizer's JSON.

    Example:
        >>> tok = numnet.preprocessing.text.Tokenizer()
        >>> tok.fit_on_texts(["a b b"])
        >>> numnet.preprocessing.text.tokenizer_from_json(tok.to_json()).word_index
        {'b': 1, 'a': 2}
    """
    try:
        config = dict(json.loads(json_string)["config"])
        tables = {key: json.loads(config.pop(key)) for key in (
            "word_counts", "word_docs", "index_docs", "index_word", "word_index")}
        tokenizer = Tokenizer(**config)
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"tokenizer_from_json(json_string): not the JSON of a Tokenizer "
                         f"({type(err).__name__}: {err}); write it with Tokenizer.to_json().") \
            from None
    tokenizer.word_counts = tables["word_counts"]
    tokenizer.word_docs = tables["word_docs"]
    tokenizer.index_docs = {int(k): v for k, v in tables["index_docs"].items()}
    tokenizer.index_word = {int(k): v for k, v in tables["index_word"].items()}
    tokenizer.word_index = tables["word_index"]
    return tokenizer


__all__ = ["Tokenizer", "hashing_trick", "one_hot", "text_to_word_sequence",
           "tokenizer_from_json"]
