import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-QY5WO7YV.js";import"./chunk-WSLCKM7U.js";export{c as MARK_FILE,b as WORKDIR_MARK_STATE,a as WORKDIR_STATE,d as withWorkdir};
