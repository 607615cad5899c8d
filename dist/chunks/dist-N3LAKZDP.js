import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a}from"./chunk-BFQD5EKS.js";import"./chunk-X62DNGHC.js";import"./chunk-WSLCKM7U.js";export default a();
