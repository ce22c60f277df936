import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { FindTab } from './FindTab.js';
import { QuarantineTab } from './QuarantineTab.js';
import './duplicates.css';

/**
 * Duplicates: find files with the same content and quarantine or hard link the copies (the find tab), and the
 * quarantine itself. Each tab is an address (/duplicates, /duplicates/quarantine): reload and back work.
 */
export function DuplicatesScreen({ tab }: { tab: 'find' | 'quarantine' }) {
  return (
    <div className="duplicates">
      <h1>Duplicates</h1>
      <Tabs className="tabs" selectedKey={tab}>
        <TabList className="tab-list" aria-label="Duplicates">
          <Tab id="find" href="/duplicates" className="tab">Find</Tab>
          <Tab id="quarantine" href="/duplicates/quarantine" className="tab">Quarantine</Tab>
        </TabList>
        <TabPanel id="find" className="tab-panel"><FindTab /></TabPanel>
        <TabPanel id="quarantine" className="tab-panel"><QuarantineTab /></TabPanel>
      </Tabs>
    </div>
  );
}
