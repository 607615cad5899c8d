import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i,j}from"./chunk-7BUDSDMG.js";import"./chunk-WSLCKM7U.js";export{g as BODY_LIMITS,i as BodyTooLargeError,d as IdleTimeoutError,a as createAgent,b as createProxyAgent,j as errorText,e as exchange,c as header,f as isIdleTimeout,h as readLimited};
