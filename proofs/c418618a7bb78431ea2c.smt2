; corpus/history/2.6.24-5.12-x86/x86_64-irq_enable-sti.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x459 (bvsub RSP (_ bv8 64))))
(let ((?x603 (bvadd ?x459 (_ bv8 64))))
(let (($x97 (and (distinct ?x603 RSP) true)))
(let (($x301 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x507 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x251 (= TF (_ bv0 1))))
(let (($x628 (= VM (_ bv0 1))))
(let (($x347 (= DF (_ bv0 1))))
(and $x347 $x628 $x251 $x507 (or $x301 $x97)))))))))))
(check-sat)
