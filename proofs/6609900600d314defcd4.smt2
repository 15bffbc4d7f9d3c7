; corpus/equivalent/x86_64-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x203 (bvsub RSP (_ bv8 64))))
(let ((?x42 (bvadd ?x203 (_ bv8 64))))
(let (($x250 (and (distinct ?x42 RSP) true)))
(let (($x84 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x88 (= VM (_ bv0 1))))
(let (($x29 (= DF (_ bv0 1))))
(and $x29 $x88 (or $x84 $x250)))))))))
(check-sat)
