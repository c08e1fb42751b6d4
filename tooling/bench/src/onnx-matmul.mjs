/* global TextEncoder */
// A one-node ONNX model (C = MatMul(A, B)) written as protobuf bytes by hand, so the benchmark needs no
// converter, no Python and no network. Only the ModelProto fields onnxruntime requires are emitted
// (field numbers from onnx/onnx.proto3).

function varint(value) {
  const bytes = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return bytes;
}

const key = (field, wireType) => varint((field << 3) | wireType);
const intField = (field, value) => [...key(field, 0), ...varint(value)];
const bytesField = (field, bytes) => [...key(field, 2), ...varint(bytes.length), ...bytes];
const stringField = (field, text) => bytesField(field, [...new TextEncoder().encode(text)]);

/** ValueInfoProto for a float32 tensor of the given shape. */
function tensorInfo(name, shape) {
  const dims = shape.flatMap((size) => bytesField(1, intField(1, size))); // TensorShapeProto.dim { dim_value }
  const tensorType = [...intField(1, 1), ...bytesField(2, dims)]; // elem_type FLOAT = 1, shape
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))]; // name, type { tensor_type }
}

/**
 * Bytes of an ONNX model computing C [m, n] = A [m, k] · B [k, n] in float32 (opset 13, IR version 8).
 * @example await ort.InferenceSession.create(onnxMatMulModel(2, 3, 4))
 */
export function onnxMatMulModel(m, k, n) {
  const node = [...stringField(1, "A"), ...stringField(1, "B"), ...stringField(2, "C"), ...stringField(3, "matmul"), ...stringField(4, "MatMul")];
  const graph = [
    ...bytesField(1, node),
    ...stringField(2, "bench"),
    ...bytesField(11, tensorInfo("A", [m, k])),
    ...bytesField(11, tensorInfo("B", [k, n])),
    ...bytesField(12, tensorInfo("C", [m, n])),
  ];
  const opset = [...stringField(1, ""), ...intField(2, 13)];
  const model = [...intField(1, 8), ...stringField(2, "adaptive-sparse-bench"), ...bytesField(7, graph), ...bytesField(8, opset)];
  return Uint8Array.from(model);
}
