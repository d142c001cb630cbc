/** ONNX model files: read a model's metadata, write models (sample and test models). */
export { readOnnxMetadata, OnnxFormatError, type OnnxMetadata, type OnnxOpsetImport, type ReadOnnxOptions } from './read.js';
export { readOnnxMetadataFile, onnxSkeletonOfFile, WHOLE_FILE_BYTES, type ReadOnnxFileOptions } from './read-file.js';
export {
  encodeOnnxModel,
  attr,
  tensorType,
  type OnnxModelSpec,
  type OnnxNodeSpec,
  type OnnxTensorSpec,
  type OnnxAttributeValue,
  type OnnxGraphValueSpec,
} from './write.js';
export * from './types.js';
