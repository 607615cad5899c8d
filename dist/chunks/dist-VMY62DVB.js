import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a}from"./chunk-H4JVP37N.js";import"./chunk-4AC6WICJ.js";import"./chunk-WSLCKM7U.js";export default a();
