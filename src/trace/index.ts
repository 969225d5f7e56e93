// trace: the views over the VM's event stream — the recorder (an EventSink that names RIPs and
// stack regions), the text and JSON Lines formats and their reader, `show` filters and `stats`
// episodes — plus the disassembly listing and the Symbolizer.
export { disassembleObject, type ListingOptions } from "./disasm.js";
export { Symbolizer } from "./symbolize.js";
export { TraceRecorder, type RecorderOptions } from "./recorder.js";
export { RegionMap, type Region } from "./regions.js";
export {
  BASE_FIELDS,
  ELEMENT_FIELDS,
  FIELDS,
  NAME_FIELDS,
  PF_BITS,
  TRACE_KINDS,
  fieldsOf,
  pfBitsText,
  type ChainLink,
  type Field,
  type FieldType,
  type InsnRecord,
  type Named,
  type PageFaultRecord,
  type StackRecord,
  type TraceKind,
  type TraceRecord,
  type TripleFaultRecord,
} from "./schema.js";
export { TRACE_FORMATS, formatJson, formatRecord, formatText, type TraceFormat } from "./format.js";
export { parseTrace } from "./parse.js";
export { filterRecords, matches, type ShowFilter } from "./show.js";
export {
  formatStats,
  traceStats,
  PTI_USER_BIT,
  type CpuStats,
  type Episode,
  type TraceStats,
} from "./stats.js";
