import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{e as a}from"./chunk-K3TQNJJ5.js";import"./chunk-WSLCKM7U.js";export default a();
