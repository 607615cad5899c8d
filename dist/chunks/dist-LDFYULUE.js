import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{d as a}from"./chunk-LXW6JO2Z.js";import"./chunk-WSLCKM7U.js";export default a();
