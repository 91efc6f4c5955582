"""Products of question vectors with a fixed matrix of thousands of unit vectors, in int8.

The known questions (3,500 of them) and the known unanswered ones (3,000) are compared with
every question asked. One question's product with such a matrix reads all of it: 5 MB of float32,
more than a core's cache, so the product is bound by memory (0.19 ms of the 1.3 ms around the
model). Kept as int8, a scale per column, the matrix is a quarter of the bytes, and onnxruntime's
integer kernel (MatMulInteger) reads it in 0.04 ms. Each question's vector is scaled to 8 bits on
its own, so a question gets the same cosines alone or in any batch; they move from float32's by at
most 0.003 (docs/performance.md).

The graph is one standard ONNX node, written here as the protobuf message it is: the serving
image has onnxruntime but not the ``onnx`` package.
"""

from __future__ import annotations

import threading

import numpy as np

# ONNX's TensorProto data types.
_UINT8, _INT8, _INT32 = 2, 3, 6
# A question's components, -1..1, are stored as 1..255 around this zero point.
_ZERO_POINT = 128


class Int8Products:
    """``vectors @ matrix`` for one fixed float32 ``matrix`` (dimension x columns)."""

    def __init__(self, matrix: np.ndarray) -> None:
        matrix = np.asarray(matrix, dtype=np.float32)
        self.shape = matrix.shape
        largest = np.abs(matrix).max(axis=0) if matrix.size else np.zeros(matrix.shape[1])
        self._scales = np.where(largest > 0, largest / 127.0, 1.0).astype(np.float32)
        quantised = np.clip(np.rint(matrix / self._scales), -127, 127).astype(np.int8)
        self._model = _product_model(quantised)
        self._session = None
        self._lock = threading.Lock()

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        """The products, one row per vector (float32)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if not len(vectors):
            return np.zeros((0, self.shape[1]), dtype=np.float32)
        largest = np.abs(vectors).max(axis=1, keepdims=True)
        scales = np.where(largest > 0, largest / 127.0, 1.0).astype(np.float32)
        quantised = (np.rint(vectors / scales) + _ZERO_POINT).astype(np.uint8)
        products = self._opened().run(None, {"vectors": quantised})[0]
        return products.astype(np.float32) * (scales * self._scales)

    def _opened(self):
        if self._session is None:
            with self._lock:
                if self._session is None:
                    import onnxruntime

                    options = onnxruntime.SessionOptions()
                    options.log_severity_level = 3
                    # One thread, the caller's: a product this small gains nothing from a pool.
                    options.intra_op_num_threads = 1
                    options.inter_op_num_threads = 1
                    self._session = onnxruntime.InferenceSession(
                        self._model, options, providers=["CPUExecutionProvider"]
                    )
        return self._session


def _product_model(quantised: np.ndarray) -> bytes:
    """The ONNX model ``products = (vectors - 128) @ quantised`` in int32, serialised."""
    rows, columns = quantised.shape
    node = (
        _strings(1, ["vectors", "matrix", "zero_point"])
        + _strings(2, ["products"])
        + _string(4, "MatMulInteger")
    )
    graph = (
        _message(1, node)
        + _string(2, "int8_products")
        + _message(5, _tensor("matrix", _INT8, [rows, columns], quantised.tobytes()))
        + _message(5, _tensor("zero_point", _UINT8, [], bytes([_ZERO_POINT])))
        + _message(11, _value_info("vectors", _UINT8, ["questions", rows]))
        + _message(12, _value_info("products", _INT32, ["questions", columns]))
    )
    return (
        _varint_field(1, 8)  # IR version 8 (onnxruntime >= 1.10)
        + _message(8, _string(1, "") + _varint_field(2, 17))
        + _message(7, graph)
    )


def _tensor(name: str, data_type: int, dims: list[int], raw: bytes) -> bytes:
    return (
        b"".join(_varint_field(1, dim) for dim in dims)
        + _varint_field(2, data_type)
        + _string(8, name)
        + _field(9, raw)
    )


def _value_info(name: str, data_type: int, dims: list[int | str]) -> bytes:
    shape = b"".join(
        _message(1, _string(2, dim) if isinstance(dim, str) else _varint_field(1, dim))
        for dim in dims
    )
    tensor_type = _varint_field(1, data_type) + _message(2, shape)
    return _string(1, name) + _message(2, _message(1, tensor_type))


# Protobuf's wire format: a key (field number, wire type) then a varint or a length and bytes.
def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _varint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _string(number: int, text: str) -> bytes:
    return _field(number, text.encode("utf-8"))


def _strings(number: int, texts: list[str]) -> bytes:
    return b"".join(_string(number, text) for text in texts)


_message = _field  # an embedded message is written as its bytes
