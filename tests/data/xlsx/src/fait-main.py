#!/usr/bin/env python3
"""Writes fait-main.xlsx: a workbook as other writers make them (x: prefixes, inline and
rich strings, booleans, formula strings, the 1904 date system, no <dimension>, cells
without r), for tests/unit/check_xlsx.c. Run from tests/data/xlsx/."""
import zipfile

NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
files = {
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/workbook.xml': f'<?xml version="1.0"?><x:workbook {NS}><x:workbookPr date1904="1"/>'
                       '<x:sheets><x:sheet name="Données" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                  '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/feuille.xml"/></Relationships>',
    'xl/styles.xml': f'<?xml version="1.0"?><x:styleSheet {NS}><x:numFmts count="1"><x:numFmt numFmtId="200" formatCode="[$-40C]mmmm\\ yyyy;@"/></x:numFmts>'
                     '<x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>'
                     '<x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="14"><x:alignment/></x:xf><x:xf numFmtId="200"/></x:cellXfs></x:styleSheet>',
    'xl/sharedStrings.xml': f'<?xml version="1.0"?><x:sst {NS} count="2" uniqueCount="2">'
                            '<x:si><x:r><x:t>Nom </x:t></x:r><x:r><x:t>complet</x:t></x:r><x:rPh><x:t>ignoré</x:t></x:rPh></x:si>'
                            '<x:si><x:t xml:space="preserve">Zoé &amp; Léo</x:t></x:si></x:sst>',
    'xl/worksheets/feuille.xml': f'<?xml version="1.0"?><x:worksheet {NS}><x:sheetData>'
        '<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="inlineStr"><x:is><x:t>Qpv</x:t></x:is></x:c>'
        '<x:c t="inlineStr"><x:is><x:t>Né le</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Mois</x:t></x:is></x:c>'
        '<x:c t="inlineStr"><x:is><x:t>Calcul</x:t></x:is></x:c></x:row>'
        '<x:row r="3"><x:c r="A3" t="s"><x:v>1</x:v></x:c><x:c r="B3" t="b"><x:v>1</x:v></x:c>'
        '<x:c r="C3" s="1"><x:v>0</x:v></x:c><x:c r="D3" s="2"><x:v>43100.5</x:v></x:c>'
        '<x:c r="E3" t="str"><x:f>A3&amp;"!"</x:f><x:v>Zoé &amp; Léo!</x:v></x:c></x:row>'
        '<x:row r="4"><x:c r="B4" t="b"><x:v>0</x:v></x:c><x:c r="E4"><x:v>1.0000000000000002</x:v></x:c></x:row>'
        '<x:row r="5"><x:c r="A5" t="s"><x:v>9</x:v></x:c></x:row>'
        '</x:sheetData></x:worksheet>',
}
with zipfile.ZipFile('fait-main.xlsx', 'w', zipfile.ZIP_DEFLATED) as z:
    for name, text in files.items():
        z.writestr(zipfile.ZipInfo(name, (2022, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
