; corpus/not-equivalent/x86_64-outb-wrong-port.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x501 (bvsub RSP (_ bv8 64))))
(let ((?x772 (bvadd ?x501 (_ bv8 64))))
(let (($x77 (and (distinct ?x772 RSP) true)))
(let (($x1101 (and (distinct (_ bv128 16) (_ bv129 16)) true)))
(let (($x758 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x1501 (= VM (_ bv0 1))))
(let (($x1968 (= DF (_ bv0 1))))
(and $x1968 $x1501 (or $x758 $x1101 $x77))))))))))
(check-sat)
