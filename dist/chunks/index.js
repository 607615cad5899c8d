import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a as i,b as n,c as o}from"./chunk-DTOBASLN.js";import"./chunk-WSLCKM7U.js";var e=o("Hoist"),s=(process.env["INPUT_HOIST-MODE"]||process.env.HOIST_MODE||"build").trim();process.env.STATE_hoist_main_ran!=="true"&&(s==="build"||s==="push")&&i();var{main:t}=await import("./main-U3VC4DW2.js");await t();e();n();
