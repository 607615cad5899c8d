import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{e as a}from"./chunk-BRS64HV6.js";import"./chunk-3K6KKIEC.js";import"./chunk-WSLCKM7U.js";export default a();
