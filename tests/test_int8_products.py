"""The known questions' products in int8: the same cosines as float32, within a quantum."""

from __future__ import annotations

import numpy as np
import pytest

from bot.embedding.int8_products import Int8Products


def _unit(rows: int, columns: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, columns)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_products_are_the_float_products_within_a_quantum():
    matrix = _unit(700, 384, seed=1).T  # 700 known questions' vectors as columns
    questions = _unit(33, 384, seed=2)
    questions[0] = matrix[:, 5]  # a question asked again word for word
    products = Int8Products(matrix)(questions)
    assert products.shape == (33, 700) and products.dtype == np.float32
    assert np.abs(products - questions @ matrix).max() < 0.005
    assert products[0].argmax() == 5 and products[0, 5] == pytest.approx(1.0, abs=0.005)
    # One at a time, as a single message is answered, gives the same.
    assert np.abs(Int8Products(matrix)(questions[:1]) - products[:1]).max() < 1e-6


def test_no_vectors_and_a_zero_column_give_plain_results():
    matrix = _unit(4, 8, seed=3).T
    matrix[:, 2] = 0.0
    products = Int8Products(matrix)
    assert products(np.zeros((0, 8), dtype=np.float32)).shape == (0, 4)
    row = products(_unit(1, 8, seed=4))
    assert np.isfinite(row).all() and row[0, 2] == 0.0


def test_the_graph_is_a_valid_onnx_model():
    onnx = pytest.importorskip("onnx")
    products = Int8Products(_unit(10, 16, seed=5).T)
    onnx.checker.check_model(onnx.load_from_string(products._model))
