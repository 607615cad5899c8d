import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{b as a,c as b,d as c,e as d,f as e,g as f,h as g,i as h,j as i,k as j,l as k,m as l,n as m,o as n}from"./chunk-R5SUDVLG.js";import"./chunk-WSLCKM7U.js";export{c as ENV_KEY,g as ListError,b as SECRET_ID,h as inputList,a as inputScope,n as optional,i as parseBool,j as parseChoice,d as parseLines,e as parseList,l as parseNumber,m as parsePairs,k as parseSubset,f as readInputList};
