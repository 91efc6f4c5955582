"""Sentence embeddings: which model, the encoder protocol, the ONNX serving encoder and its export."""
