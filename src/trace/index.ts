// trace: the views over the VM's event stream — the recorder (an EventSink that names RIPs and
// stack regions), the text, JSON Lines and binary formats and their readers, `show` filters and `stats`
// episodes — plus the cost model (estimated cycles), `diff` (two traces aligned on episodes
// and events), the Chrome trace export, the HTML report, the disassembly listing and the Symbolizer.
export { disassembleObject, type ListingOptions } from "./disasm.js";
export { Symbolizer, isSectionMarker } from "./symbolize.js";
export { TraceRecorder, type RecorderOptions } from "./recorder.js";
export { RegionMap, type Region } from "./regions.js";
export { followTaskRegions, forkRegions, kernelStackName, userStackName } from "./task-regions.js";
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
  type OnTask,
  type PageFaultRecord,
  type StackRecord,
  type StaleTlbRecord,
  type TraceKind,
  type TraceRecord,
  type TripleFaultRecord,
} from "./schema.js";
export { TRACE_FORMATS, formatJson, formatRecord, formatText, type TraceFormat } from "./format.js";
export { parseTrace } from "./parse.js";
export { BINARY_MAGIC, BINARY_VERSION } from "./binary.js";
export { BinaryTraceWriter, encodeBinaryTrace } from "./binary-write.js";
export { isBinaryTrace, parseBinaryTrace } from "./binary-read.js";
export { filterRecords, matches, type ShowFilter } from "./show.js";
export {
  ESTIMATE_NOTE,
  formatStats,
  traceStats,
  triggerTotals,
  userCr3Basis,
  PTI_USER_BIT,
  type CpuStats,
  type Episode,
  type StatsOptions,
  type TraceStats,
  type TriggerTotals,
} from "./stats.js";
export { type TaskStats } from "./stats-tasks.js";
export {
  COST_NAMES,
  CostModel,
  DEFAULT_COSTS,
  parseCostFile,
  type CostFigures,
  type CostName,
} from "./cost.js";
export {
  byCpu,
  byStream,
  episodeSpans,
  episodeTime,
  returnsToUser,
  splitsByTask,
  splitUnits,
  stacksOf,
  streamUnits,
  triggerOf,
  type EpisodeTime,
  type Piece,
  type Span,
  type Stream,
  type Unit,
  type UnitKind,
} from "./episodes.js";
export { alignSequences, type Step } from "./align.js";
export { eventKey, type EventDiff, type EventView } from "./diff-events.js";
export {
  diffTraces,
  levelOf,
  TRACE_LEVELS,
  type DiffOptions,
  type EpisodeTotals,
  type FirstDivergence,
  type RunEnd,
  type SummaryRow,
  type TraceDiff,
  type TraceLevel,
  type UnitDiff,
  type UnitRef,
  type UnitStatus,
} from "./diff.js";
export { formatDiff, formatDiffJson, type DiffNames } from "./diff-format.js";
export {
  EXPORT_FORMATS,
  exportChrome,
  type ChromeEvent,
  type ChromeTrace,
  type ExportFormat,
  type ExportOptions,
} from "./export.js";
export {
  CHECKS,
  checkTrace,
  formatCheck,
  type CheckContext,
  type CheckInfo,
  type CheckResult,
  type Violation,
} from "./check.js";
export { checkTlb, staleMessage, NEEDS_AUDIT, type TlbCheck } from "./check-tlb.js";
export {
  aggregate,
  cpuTimeline,
  elementCount,
  escapeHtml,
  traceReport,
  type CpuTimeline,
  type ReportNames,
  type ReportOptions,
  type Segment,
} from "./report/index.js";
