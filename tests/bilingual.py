"""A bilingual Welsh and English document, as Welsh public bodies publish them (test data).

Welsh pages alternate with their English versions, then one page sets the two languages in
columns side by side. The Welsh holds amounts with Welsh scale words ("£9 biliwn", "£740
miliwn") and the ordinary words the English pipeline took for named cases ("Fodd bynnag",
"Pan", "Trefi", "Gymru"). bench/language_id.py measures the identifiers on these texts too.
"""

from __future__ import annotations

from pathlib import Path

from tests.pdfbuild import Columns, Document, Heading, Page, Paragraph, build_pdf

WELSH_PAGES = (
    "Mae Llywodraeth Cymru wedi cyhoeddi cynllun newydd i wella gwasanaethau cyhoeddus ym "
    "mhob rhan o'r wlad. Bydd y cynllun yn costio £9 biliwn dros y pum mlynedd nesaf, a bydd "
    "yr arian yn cael ei wario ar ysgolion, ysbytai a thrafnidiaeth gyhoeddus. Fodd bynnag, "
    "mae llawer o gynghorau lleol yn poeni am gost cynnal hen adeiladau. Pan fydd y galw am "
    "ofal yn codi, rhaid i'r awdurdodau ddod o hyd i ffyrdd newydd o weithio gyda'i gilydd. "
    "Dylai pob cyngor gyhoeddi cynllun gweithredu erbyn diwedd y flwyddyn ariannol.",
    "Mae Trefi Taclus yn gweithio gyda chymunedau o bob rhan o Gymru i lanhau strydoedd, "
    "parciau a thraethau. Yn ôl yr adroddiad blynyddol, derbyniodd y rhaglen £740 miliwn gan "
    "y llywodraeth ac awdurdodau lleol. Mae'r ymchwil yn dangos bod pobl yn teimlo'n fwy "
    "diogel pan fydd eu hardal yn lân ac yn daclus. Fodd bynnag, nid oes digon o "
    "wirfoddolwyr yn rhai o'r trefi lleiaf, ac mae angen mwy o gefnogaeth ar y grwpiau sydd "
    "wedi bod yn gweithio ers blynyddoedd.",
)
ENGLISH_PAGES = (
    "The Welsh Government has published a new plan to improve public services in every part "
    "of the country. The plan will cost £9 billion over the next five years, and the money "
    "will be spent on schools, hospitals and public transport. However, many local councils "
    "are worried about the cost of maintaining old buildings. When the demand for care rises, "
    "the authorities must find new ways of working together. Every council should publish "
    "an action plan by the end of the financial year.",
    "Tidy Towns works with communities from every part of Wales to clean streets, parks and "
    "beaches. According to the annual report, the programme received £740 million from the "
    "government and local authorities. The research shows that people feel safer when their "
    "area is clean and tidy. However, there are not enough volunteers in some of the smallest "
    "towns, and the groups that have been working for years need more support.",
)
# The column page: Welsh on the left, English on the right.
WELSH_COLUMN = (
    "Bydd y gronfa newydd yn rhoi £25 miliwn i fusnesau bach yng Nghymru dros dair blynedd. "
    "Fodd bynnag, rhaid i bob cais ddangos sut y bydd y busnes yn creu swyddi newydd yn yr "
    "ardal leol. Pan fydd y cais wedi ei gymeradwyo, bydd yr arian yn cael ei dalu mewn "
    "tair rhan."
)
ENGLISH_COLUMN = (
    "The new fund will give £25 million to small businesses in Wales over three years. "
    "However, every application must show how the business will create new jobs in the "
    "local area. Once the application has been approved, the money will be paid in three "
    "parts."
)


def bilingual_document() -> Document:
    """Welsh page, English page, Welsh page, English page, then the column page."""
    pages = []
    for welsh, english in zip(WELSH_PAGES, ENGLISH_PAGES, strict=True):
        pages.append(Page([Heading("Gwasanaethau cyhoeddus"), Paragraph(welsh)], running=False))
        pages.append(Page([Heading("Public services"), Paragraph(english)], running=False))
    pages.append(Page([Columns([WELSH_COLUMN, ENGLISH_COLUMN])], running=False))
    return Document(pages=pages, title="Cynllun / Plan")


def build_bilingual_pdf(folder: Path) -> Path:
    """Write the bilingual document to `folder` and return its path."""
    return build_pdf(bilingual_document(), folder / "bilingual-welsh-english.pdf")
