"""The demo's two reviews of Kazakhstan (sessions 7 and 20): recommendations, responses, assessments."""

from recommendations.demo.data import (
    EEAS_CONCERNS,
    HRW_DEFENDERS,
    HRW_SPEECH,
    NOT_IMPLEMENTED,
    NOTED,
    PARTIALLY_IMPLEMENTED,
    SUPPORTED,
    Assessment,
    Cite,
    D,
    Rec,
)

JAN_2014 = D(2014, 1, 31)  # after HRW's World Report 2014, the latest evidence cited

LIBEL_NARRATIVE = (
    "Libel is still a criminal offence punishable by imprisonment, civil damages have no ceiling and suits "
    "against journalists are common. A 2010 amendment (Article 317-1 of the Criminal Code) added special "
    "protection for the President and his family against insult. "
)

SESSION_7_RECOMMENDATIONS = (
    Rec(
        "nor-investigate-attacks",
        ("NOR",),
        "Make sure abuses suffered by human rights defenders and journalists are properly investigated and the "
        "perpetrators prosecuted",
        5,
        SUPPORTED,
        ("Freedom of the press", "Human rights defenders"),
        ("Human rights defenders", "Journalists"),
        (
            Assessment(
                D(2012, 7, 31),
                NOT_IMPLEMENTED,
                "Nobody has answered for the use of lethal force against striking oil workers and residents in "
                "Zhanaozen in December 2011. The UN High Commissioner, visiting in July 2012, said it was still "
                "unclear who ordered the police to shoot and asked for an independent international inquiry. ",
                (
                    Cite(
                        "ohchr-pillay-2012",
                        "Summary: the High Commissioner urged the Government to let an independent international "
                        "body look into the events, what caused them and what followed.",
                    ),
                    Cite(
                        "odf-zhanaozen",
                        "Summary: at least 17 people died and 86 were hurt; 37 people were convicted afterwards.",
                    ),
                ),
            ),
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "Defenders are still threatened, harassed through the courts and detained, and the Zhanaozen "
                "killings have not been independently investigated. Defenders who engaged with UN bodies report "
                "reprisals. ",
                (
                    HRW_DEFENDERS,
                    Cite(
                        "fld-2013",
                        "Summary: concern at reprisals against Kazakh defenders who cooperate with UN human rights "
                        "bodies, and at harassment of women defenders.",
                        "Kazakhstan",
                    ),
                ),
            ),
        ),
    ),
    Rec(
        "nor-enabling-environment",
        ("NOR",),
        "Take practical steps towards a climate in which free expression can flourish, as Kazakhstan's "
        "obligations require",
        4,
        SUPPORTED,
        ("Freedom of opinion and expression",),
        ("Human rights defenders",),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "The climate has worsened rather than improved: critics are prosecuted under broadly worded "
                "offences and the EU raised freedom of expression at its 2013 human rights dialogue. ",
                (HRW_SPEECH, EEAS_CONCERNS),
            ),
        ),
    ),
    Rec(
        "nor-repression-of-speech",
        ("NOR",),
        "Reverse the drift towards suppressing free speech, including curbs on online media",
        4,
        SUPPORTED,
        ("Freedom of opinion and expression",),
        ("Human rights defenders", "Media"),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "Media amendments adopted in 2010, despite the OSCE's call for a veto, let courts block "
                "Kazakh and foreign websites and extend media restrictions to blogs and chat rooms; the "
                "crackdown on speech continued through 2013. ",
                (HRW_SPEECH,),
            ),
        ),
    ),
    Rec(
        "kor-space-for-media-and-ngos",
        ("KOR",),
        "Give the media and civil society more room to work, bringing their freedom of expression up to "
        "international standards",
        4,
        SUPPORTED,
        ("Civil society", "Freedom of opinion and expression", "Freedom of the press"),
        ("Human rights defenders", "Media", "Civil society"),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "Space for independent media and NGOs has shrunk; at the 2013 dialogue the EU named the situation "
                "of NGOs and press restrictions among its concerns. ",
                (EEAS_CONCERNS, HRW_SPEECH),
            ),
        ),
    ),
    Rec(
        "swe-assembly-law",
        ("SWE",),
        "Quickly draft and apply a new law on peaceful assembly that eases prior registration and the "
        "information demanded about participants, and make clear to officials how it is to be applied",
        4,
        SUPPORTED,
        ("Freedom of association and peaceful assembly",),
        ("Human rights defenders",),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "No new law has been adopted. The 2004 law on assemblies still makes lawful protest almost "
                "impossible, and a draft prepared by civil society in 2007 has had no answer from Parliament or "
                "the Government. Activists are detained on unfounded charges such as hooliganism. ",
                (
                    Cite(
                        "kibhr-assembly",
                        "Summary: monitoring of assemblies in seven cities found the right severely restricted "
                        "in law and in practice.",
                    ),
                    Cite("hrw-2014", "Summary: the authorities keep strict controls on freedom of assembly."),
                ),
            ),
        ),
    ),
    Rec(
        "can-courts-against-journalists",
        ("CAN",),
        "Stop taking journalists and media outlets to court, whether through civil or criminal libel suits",
        5,
        SUPPORTED,
        ("Freedom of the press",),
        ("Human rights defenders", "Journalists", "Media"),
        (Assessment(JAN_2014, NOT_IMPLEMENTED, LIBEL_NARRATIVE, (HRW_SPEECH,)),),
    ),
    Rec(
        "gbr-libel-law",
        ("GBR",),
        "Align the libel and defamation provisions with the human rights treaties Kazakhstan has joined and its "
        "commitments on free expression and media freedom",
        5,
        SUPPORTED,
        ("Freedom of opinion and expression", "Freedom of the press", "International instruments"),
        ("Human rights defenders", "Journalists", "Media"),
        (Assessment(JAN_2014, NOT_IMPLEMENTED, LIBEL_NARRATIVE, (HRW_SPEECH, EEAS_CONCERNS)),),
    ),
    Rec(
        "usa-media-defamation",
        ("USA",),
        "Make defamation by the media a civil matter only, and change the Civil Code so that libel damages stay "
        "proportionate and never shut an outlet down",
        5,
        SUPPORTED,
        ("Freedom of the press",),
        ("Journalists", "Media"),
        (Assessment(JAN_2014, NOT_IMPLEMENTED, LIBEL_NARRATIVE, (HRW_SPEECH,)),),
    ),
    Rec(
        "aus-criminal-libel",
        ("AUS",),
        "Repeal the criminal libel provisions used against journalists",
        5,
        SUPPORTED,
        ("Freedom of the press",),
        ("Journalists",),
        (Assessment(JAN_2014, NOT_IMPLEMENTED, LIBEL_NARRATIVE, (HRW_SPEECH,)),),
    ),
    Rec(
        "swe-internet-laws",
        ("SWE",),
        "Make sure laws on the Internet and new communication technologies respect international human rights "
        "obligations",
        4,
        SUPPORTED,
        ("Freedom of opinion and expression", "International instruments"),
        ("Media",),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "The 2010 media amendments allow courts to block websites, including foreign ones, and treat "
                "blogs and chat rooms as media subject to the same restrictions. ",
                (HRW_SPEECH,),
            ),
        ),
    ),
    Rec(
        "esp-networks-law",
        ("ESP",),
        "Change the amended networks law so that criminal defamation does not extend to everything published "
        "online, and give political speech and the press stronger protection",
        3,
        NOTED,
        ("Freedom of opinion and expression", "Freedom of the press"),
        ("Journalists", "Media"),
    ),
    Rec(
        "nor-ngo-follow-up",
        ("NOR",),
        "Set up an effective, inclusive follow-up to this review that involves independent NGOs not funded by "
        "the Government",
        4,
        SUPPORTED,
        ("Civil society", "UPR process"),
        ("Civil society",),
    ),
    Rec(
        "usa-action-plan",
        ("USA",),
        "Carry out the National Human Rights Action Plan in full, with civil society, and give it a legal basis "
        "and an adequate budget",
        5,
        SUPPORTED,
        ("National plan of action",),
        ("Civil society",),
        (
            Assessment(
                JAN_2014,
                PARTIALLY_IMPLEMENTED,
                "The 2009–2012 plan was drafted by officials together with civil society, but by its end only "
                "about 23% of its goals had reportedly been met. The Government has announced a new plan, "
                "which the EU took up at the 2013 dialogue. ",
                (EEAS_CONCERNS,),
            ),
        ),
    ),
)

SESSION_20_RECOMMENDATIONS = (
    Rec(
        "cze-protect-journalists-and-defenders",
        ("CZE",),
        "Guarantee free expression and an independent press, critical outlets included, and protect reporters, "
        "bloggers, independent outlets and human rights defenders from assault and intimidation",
        4,
        SUPPORTED,
        ("Freedom of opinion and expression", "Freedom of the press", "Human rights defenders"),
        ("Human rights defenders", "Journalists", "Media"),
    ),
    Rec(
        "nor-peaceful-assembly",
        ("NOR",),
        "Remove the obstacles to holding peaceful assemblies",
        4,
        SUPPORTED,
        ("Freedom of association and peaceful assembly",),
    ),
    Rec(
        "irl-defamation-follow-up",
        ("IRL",),
        "Implement the previous cycle's accepted recommendations to decriminalise defamation, and repeal both the "
        "criminal provisions on defaming officials and the offence of insulting the President that the 2010 "
        "'Leader of the Nation' law introduced",
        5,
        NOTED,
        ("Freedom of opinion and expression", "UPR process"),
        ("Journalists",),
    ),
)

SESSION_7_NOTES = """\
Civil society proposals for the next review (ISHR briefing, 2014) — summarised:
1. Back an independent international inquiry into the force used, and the people hurt and killed, when \
the oil workers' strike in Zhanaozen was put down in December 2011.
2. Repeal provisions that needlessly restrict defenders' work, such as criminal libel and the 2004 \
assemblies law.
3. Adopt laws and protocols so that the policing of protests meets international standards.
4. Repeal the 2010 media amendments that allow websites, blogs and chat rooms to be sanctioned without need.
5. Revoke the Criminal Code's Article 317-1, which shields the President and can be used to silence dissent.
6. Adopt and carry out a new national human rights action plan, a step raised at the 2013 EU–Kazakhstan dialogue.
7. Put concrete measures to protect human rights defenders into that plan.
8. Pay particular attention to the specific risks faced by women defenders.
9. Review assembly legislation thoroughly, with civil society's 2007 draft law among the options.
10. Have the President's Commission on Human Rights send the 2007 draft to OSCE/ODIHR and the Venice \
Commission for an opinion, as civil society asked.
11. Adopt laws and measures protecting defenders from reprisals when they engage with regional or UN \
human rights bodies.
12. Investigate and prosecute every attack on defenders, including abuse of public office or of the \
justice system."""

REVIEWS = (
    {
        "state": "KAZ",
        "session": 7,
        "review_date": D(2010, 2, 10),
        "adoption_date": D(2010, 6, 10),
        "report_symbol": "A/HRC/14/10",
        "addendum_symbol": "A/HRC/14/10/Add.1",
        "notes": SESSION_7_NOTES,
        "position_source": "A/HRC/14/10/Add.1 (response as recorded by UPR Info)",
        "position_date": D(2010, 6, 10),
        "recommendations": SESSION_7_RECOMMENDATIONS,
    },
    {
        "state": "KAZ",
        "session": 20,
        "review_date": D(2014, 10, 30),
        "adoption_date": None,
        "report_symbol": "A/HRC/28/10",
        "addendum_symbol": "A/HRC/28/10/Add.1",
        "notes": "Demo data: three recommendations of this review that repeat asks of 2010, summarised.",
        "position_source": "A/HRC/28/10/Add.1 (response as recorded by UPR Info)",
        "position_date": None,
        "recommendations": SESSION_20_RECOMMENDATIONS,
    },
)
