import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{e as a}from"./chunk-V6QXAE2Q.js";import"./chunk-LSOD6NBE.js";import"./chunk-WSLCKM7U.js";export default a();
