import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b}from"./chunk-3EY2AFQN.js";import"./chunk-FKKIB6FF.js";import"./chunk-R5SUDVLG.js";import"./chunk-WSLCKM7U.js";export{a as parseSecretEntries,b as parseSecretInputs};
