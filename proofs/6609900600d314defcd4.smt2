; corpus/equivalent/x86_64-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x32 (bvsub RSP (_ bv8 64))))
(let ((?x750 (bvadd ?x32 (_ bv8 64))))
(let (($x130 (and (distinct ?x750 RSP) true)))
(let (($x62 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x89 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x521 (= TF (_ bv0 1))))
(let (($x16 (= VM (_ bv0 1))))
(let (($x63 (= DF (_ bv0 1))))
(and $x63 $x16 $x521 $x89 (or $x62 $x130)))))))))))
(check-sat)
