"""The column names of Google Ads and Meta Ads Manager exports made in the platforms' Spanish,
French, German and Portuguese interfaces (the English ones are in ``platforms.MAPPING``), and the
columns that break a report down or make it weekly, in every language. The help page lists them
per language. Needs no database.

Names are compared without regard to case or repeated spaces. A name that two of our fields
would share is not allowed (``platforms`` checks it when imported)."""

from __future__ import annotations

#: The interfaces read besides English, in the order the help page lists them.
LANGUAGES = {"es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese"}

#: Our field → language → (Google Ads names, Meta Ads Manager names), first name found wins.
HEADERS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "date": {
        "es": (("Día", "Fecha"), ("Día", "Inicio del informe")),
        "fr": (("Jour", "Date"), ("Jour", "Début des rapports")),
        "de": (("Tag", "Datum"), ("Tag", "Berichtsbeginn")),
        "pt": (("Dia", "Data"), ("Dia", "Início dos relatórios")),
    },
    "campaign": {
        "es": (("Campaña",), ("Nombre de la campaña",)),
        "fr": (("Campagne",), ("Nom de la campagne",)),
        "de": (("Kampagne",), ("Kampagnenname",)),
        "pt": (("Campanha",), ("Nome da campanha",)),
    },
    "impressions": {
        "es": (("Impr.", "Impresiones"), ("Impresiones",)),
        "fr": (("Impr.", "Impressions"), ("Impressions",)),
        "de": (("Impr.", "Impressionen"), ("Impressionen",)),
        "pt": (("Impr.", "Impressões"), ("Impressões",)),
    },
    "clicks": {
        "es": (("Clics",), ("Clics en el enlace", "Clics (todos)")),
        "fr": (("Clics",), ("Clics sur un lien", "Clics (tous)")),
        "de": (("Klicks",), ("Link-Klicks", "Klicks (alle)")),
        "pt": (("Cliques",), ("Cliques no link", "Cliques (todos)")),
    },
    "leads": {
        "es": ((), ("Clientes potenciales", "Resultados")),
        "fr": ((), ("Prospects", "Résultats")),
        "de": ((), ("Leads", "Ergebnisse")),
        "pt": ((), ("Leads", "Cadastros", "Resultados")),
    },
    "conversions": {
        "es": (("Conversiones",), ("Compras", "Compras en el sitio web")),
        "fr": (("Conversions",), ("Achats", "Achats sur le site web")),
        "de": (("Conversions",), ("Käufe", "Website-Käufe")),
        "pt": (("Conversões",), ("Compras", "Compras no site")),
    },
    "revenue": {
        "es": (
            ("Valor de conv.", "Valor conv.", "Valor de conversión", "Valor de todas las conv."),
            (
                "Valor de conversión de compras",
                "Valor de conversión de compras en el sitio web",
            ),
        ),
        "fr": (
            ("Valeur de conv.", "Valeur de conversion", "Valeur de toutes les conv."),
            (
                "Valeur de conversion des achats",
                "Valeur de conversion des achats sur le site web",
            ),
        ),
        "de": (
            ("Conv.-Wert", "Conversion-Wert", "Wert aller Conv."),
            ("Conversion-Wert für Käufe", "Conversion-Wert für Website-Käufe"),
        ),
        "pt": (
            ("Valor de conv.", "Valor da conversão", "Valor de todas as conv."),
            ("Valor de conversão da compra", "Valor de conversão de compras no site"),
        ),
    },
    "spend": {
        "es": (("Coste", "Costo"), ("Importe gastado (EUR)",)),
        "fr": (("Coût",), ("Montant dépensé (EUR)",)),
        "de": (("Kosten",), ("Ausgegebener Betrag (EUR)",)),
        "pt": (("Custo",), ("Valor usado (BRL)", "Valor gasto (EUR)")),
    },
}

#: Meta's "Amount spent (USD)" in each language, without its currency (any currency is read).
AMOUNT_SPENT = (
    "amount spent",
    "importe gastado",
    "montant dépensé",
    "ausgegebener betrag",
    "valor usado",
    "valor gasto",
    "montante gasto",
)
#: Meta's "Reporting ends", which says whether a row is one day.
REPORTING_ENDS = (
    "Reporting ends",
    "Fin del informe",
    "Fin des rapports",
    "Berichtsende",
    "Término dos relatórios",
    "Fim dos relatórios",
)
REPORTING_STARTS = (
    "Reporting starts",
    "Inicio del informe",
    "Début des rapports",
    "Berichtsbeginn",
    "Início dos relatórios",
)
#: Meta's "Results": leads only on the rows whose result indicator names leads.
RESULTS = ("Results", "Resultados", "Résultats", "Ergebnisse")
RESULT_KIND = (
    "Result indicator",
    "Result type",
    "Indicador de resultado",
    "Indicador de resultados",
    "Tipo de resultado",
    "Indicateur de résultat",
    "Type de résultat",
    "Ergebnisindikator",
    "Ergebnistyp",
)
#: Words of a result kind that count leads ("actions:onsite_conversion.lead_grouped",
#: "Leads", "Clientes potenciales", "Prospects", "Cadastros").
LEAD_RESULT_WORDS = ("lead", "cliente potencial", "clientes potenciales", "prospect", "cadastro")
#: Google's "Currency code": the file's amounts are in it.
CURRENCY_CODE = (
    "Currency code",
    "Código de moneda",
    "Code de la devise",
    "Währungscode",
    "Código da moeda",
)
#: The platform's own campaign ID: rows are matched to the campaign that stores it.
CAMPAIGN_ID = (
    "Campaign ID",
    "ID de la campaña",
    "ID de campaña",
    "Identificador de la campaña",
    "ID de la campagne",
    "ID de campagne",
    "Kampagnen-ID",
    "ID da campanha",
)

#: Columns that break a campaign's day down (several rows per campaign and day, summed):
#: what the preview calls each kind → its names in every language.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "ad sets": (
        "Ad set name",
        "Ad set ID",
        "Ad Set Name",
        "Nombre del conjunto de anuncios",
        "Identificador del conjunto de anuncios",
        "ID del conjunto de anuncios",
        "Nom de l'ensemble de publicités",
        "Nom de l’ensemble de publicités",
        "ID de l'ensemble de publicités",
        "Name der Anzeigengruppe",
        "Anzeigengruppen-ID",
        "Nome do conjunto de anúncios",
        "ID do conjunto de anúncios",
    ),
    "ads": (
        "Ad name",
        "Ad ID",
        "Nombre del anuncio",
        "ID del anuncio",
        "Nom de la publicité",
        "ID de la publicité",
        "Anzeigenname",
        "Anzeigen-ID",
        "Nome do anúncio",
        "ID do anúncio",
    ),
    "ad groups": (
        "Ad group",
        "Ad group ID",
        "Grupo de anuncios",
        "ID del grupo de anuncios",
        "Groupe d'annonces",
        "Groupe d’annonces",
        "ID du groupe d'annonces",
        "Anzeigengruppe",
        "Grupo de anúncios",
        "ID do grupo de anúncios",
    ),
    "placements": ("Placement", "Ubicación", "Platzierung", "Posicionamento"),
    "platforms": ("Platform", "Plataforma", "Plateforme", "Plattform"),
    "devices": (
        "Device",
        "Impression device",
        "Device platform",
        "Dispositivo",
        "Dispositivo de impresión",
        "Plataforma del dispositivo",
        "Appareil",
        "Appareil d'impression",
        "Appareil d’impression",
        "Plateforme de l'appareil",
        "Gerät",
        "Impression-Gerät",
        "Geräteplattform",
        "Dispositivo de impressão",
        "Plataforma do dispositivo",
    ),
    "ages": ("Age", "Edad", "Âge", "Alter", "Idade"),
    "genders": ("Gender", "Sexo", "Sexe", "Genre", "Geschlecht", "Gênero", "Género"),
    "networks": (
        "Network",
        "Network (with search partners)",
        "Red",
        "Red (con partners de búsqueda)",
        "Red (con socios de búsqueda)",
        "Réseau",
        "Réseau (avec partenaires du Réseau de Recherche)",
        "Réseau (avec partenaires de recherche)",
        "Werbenetzwerk",
        "Werbenetzwerk (mit Suchnetzwerk-Partnern)",
        "Netzwerk (mit Suchnetzwerk-Partnern)",
        "Rede",
        "Rede (com parceiros de pesquisa)",
    ),
    "countries": ("Country", "País", "Pays", "Land"),
    "regions": ("Region", "Región", "Région", "Região"),
}

#: Columns of a report with one row per week, month, quarter or year instead of per day.
PERIODS: dict[str, tuple[str, ...]] = {
    "week": ("Week", "Semana", "Semaine", "Woche"),
    "month": ("Month", "Mes", "Mois", "Monat", "Mês"),
    "quarter": ("Quarter", "Trimestre", "Quartal"),
    "year": ("Year", "Año", "Année", "Jahr", "Ano"),
}

#: Columns we know in the other languages and do not need (reach and frequency among them:
#: they are never summed, and never imported).
UNUSED = {
    "google_ads": (
        "Cuenta",
        "Compte",
        "Konto",
        "Conta",
        "Estado de la campaña",
        "État de la campagne",
        "Kampagnenstatus",
        "Status da campanha",
        "Tipo de campaña",
        "Type de campagne",
        "Kampagnentyp",
        "Tipo de campanha",
        "Presupuesto",
        "Budget",
        "Orçamento",
        "CPC medio",
        "CPC moy.",
        "Durchschn. CPC",
        "CPC méd.",
        "CTR",
        "Interacciones",
        "Interactions",
        "Interaktionen",
        "Interações",
    ),
    "meta": (
        "Alcance",
        "Frecuencia",
        "Couverture",
        "Répétition",
        "Reichweite",
        "Frequenz",
        "Frequência",
        "Nombre de la cuenta",
        "Nom du compte",
        "Kontoname",
        "Nome da conta",
        "Entrega de la campaña",
        "Diffusion de la campagne",
        "Kampagnenauslieferung",
        "Veiculação da campanha",
        "Configuración de atribución",
        "Paramètre d'attribution",
        "Attributionseinstellung",
        "Configuração de atribuição",
        "Costo por resultado",
        "Coste por resultado",
        "Coût par résultat",
        "Kosten pro Ergebnis",
        "Custo por resultado",
        "Finalización",
        "Fin",
        "Ende",
        "Término",
        "Inicio",
        "Début",
        "Beginn",
        "Início",
    ),
}
