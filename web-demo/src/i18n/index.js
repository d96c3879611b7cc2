// The explainer's languages: one message file each, chosen by the page's switch.
import en from './en.js';
import sw from './sw.js';

export const LANGUAGES = { en: { name: 'English', messages: en }, sw: { name: 'Kiswahili', messages: sw } };
