import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,d as c,e as d,f as e,g as f,h as g,i as h,j as i,k as j}from"./chunk-YIOLR2DB.js";import"./chunk-WSLCKM7U.js";export{g as BODY_LIMITS,i as BodyTooLargeError,d as IdleTimeoutError,a as createAgent,b as createProxyAgent,j as errorText,e as exchange,c as header,f as isIdleTimeout,h as readLimited};
