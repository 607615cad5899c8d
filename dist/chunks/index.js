import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as i}from"./chunk-TJEJ2NFI.js";import"./chunk-WSLCKM7U.js";var o=(process.env["INPUT_HOIST-MODE"]||process.env.HOIST_MODE||"build").trim();process.env.STATE_hoist_main_ran!=="true"&&(o==="build"||o==="push")&&i();var{main:s}=await import("./main-RALPTHP2.js");await s();
