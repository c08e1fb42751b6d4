export { describeBackendConformance, type ConformanceOptions } from "./suite.js";
export { CASES } from "./cases.js";
export { relativeError } from "./compare.js";
export { finiteDifference } from "./finite-difference.js";
